package io.clusterstarter.warmup;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import io.clusterstarter.autoconfigure.ClusterProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The warm-up of a worker image's training run ({@code cluster.image.training-warmup}): the run
 * starts the application fully, serving on a private loopback port (the cluster's own port is
 * taken), sends it the warm-up's requests as a worker would, then ends, and the JVM writes the
 * class-data cache with what those requests loaded and, on Java 25 and later, the profiles of
 * the methods they ran.
 *
 * @author cluster-spring-boot-starter
 */
public final class TrainingWarmup {

	private static final Log logger = LogFactory.getLog(TrainingWarmup.class);

	private static final String PROPERTY = "clusterstarter.training-warmup";

	/** The JVM option by which the primary asks a training run for the warm-up. */
	public static final String OPTION = "-D" + PROPERTY + "=true";

	private TrainingWarmup() {
	}

	/**
	 * Return whether this JVM is a training run asked for the warm-up.
	 * @return whether it warms up
	 */
	public static boolean isRequested() {
		return Boolean.getBoolean(PROPERTY);
	}

	/**
	 * Make the application serve on loopback ports the kernel picks, whatever its
	 * configuration says, before any server is created.
	 * @param environment the application's environment
	 */
	public static void prepare(ConfigurableEnvironment environment) {
		Map<String, Object> ports = new LinkedHashMap<>();
		String management = environment.getProperty("management.server.port");
		if (management != null && !"-1".equals(management)
				&& !Objects.equals(management, environment.getProperty("server.port"))) {
			ports.put("management.server.port", 0);
			ports.put("management.server.address", "127.0.0.1");
		}
		ports.put("server.port", 0);
		ports.put("server.address", "127.0.0.1");
		environment.getPropertySources().addFirst(new MapPropertySource("clusterTrainingWarmup", ports));
	}

	/**
	 * The application is ready: warm it up, then end the run, whose exit writes the cache.
	 * @param context the application's context
	 */
	public static void runThenExit(ConfigurableApplicationContext context) {
		ClusterProperties.Warmup properties = Warmup.properties(context);
		if (!properties.isEnabled()) {
			logger.warn("This training run was asked for a warm-up, but cluster.warmup.requests is empty");
			exit(context);
			return;
		}
		Warmup.start(context, properties, (progress) -> {
		}, () -> exit(context));
	}

	private static void exit(ConfigurableApplicationContext context) {
		logger.info("Training run warmed up: ending it, and the JVM writes the worker image");
		System.exit(SpringApplication.exit(context));
	}

}
