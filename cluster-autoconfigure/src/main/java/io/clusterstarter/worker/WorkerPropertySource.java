package io.clusterstarter.worker;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * The properties the primary decided for a worker, ahead of every other source: the shared ports
 * (so that {@code server.port=0} means the one port the primary chose), the worker's own log
 * file, and no banner but from the worker in slot 0. Its presence in an environment is what marks an application context as a worker's.
 *
 * @author cluster-spring-boot-starter
 */
public final class WorkerPropertySource extends MapPropertySource {

	/**
	 * Name of the property source.
	 */
	public static final String NAME = "clusterWorker";

	/**
	 * Name of the property source with the worker's defaults.
	 */
	public static final String DEFAULTS_NAME = "clusterWorkerDefaults";

	private final transient WorkerRuntime runtime;

	/**
	 * Create the property source.
	 * @param runtime the worker's runtime
	 * @param properties the properties
	 */
	public WorkerPropertySource(WorkerRuntime runtime, Map<String, Object> properties) {
		super(NAME, properties);
		this.runtime = runtime;
	}

	/**
	 * Return the worker's runtime.
	 * @return the runtime
	 */
	public WorkerRuntime getRuntime() {
		return this.runtime;
	}

	/**
	 * Add the worker's property source, built from the primary's environment variables, first.
	 * @param environment the worker's environment
	 * @param runtime the worker's runtime
	 * @param env the process environment
	 */
	public static void install(ConfigurableEnvironment environment, WorkerRuntime runtime, Map<String, String> env) {
		Map<String, Object> properties = new LinkedHashMap<>();
		putIfPresent(properties, "server.port", env.get(WorkerEnvironment.SERVER_PORT));
		putIfPresent(properties, "management.server.port", env.get(WorkerEnvironment.MANAGEMENT_PORT));
		// As the primary chose it: "auto" is resolved
		putIfPresent(properties, "cluster.balancing", env.get(WorkerEnvironment.BALANCING));
		putIfPresent(properties, "logging.file.name", env.get(WorkerEnvironment.LOG_FILE));
		if (runtime.slot() != 0) {
			// One banner per cluster is enough
			properties.put("spring.main.banner-mode", "off");
		}
		environment.getPropertySources().addFirst(new WorkerPropertySource(runtime, properties));
		// Defaults, below everything the user configures: the cluster health indicator's
		// DEGRADED ranks between OUT_OF_SERVICE and UP, so it never hides another DOWN
		environment.getPropertySources()
			.addLast(new MapPropertySource(DEFAULTS_NAME,
					Map.of("management.endpoint.health.status.order", "DOWN,OUT_OF_SERVICE,DEGRADED,UP,UNKNOWN")));
	}

	private static void putIfPresent(Map<String, Object> properties, String name, String value) {
		if (value != null) {
			properties.put(name, value);
		}
	}

	/**
	 * Return the worker runtime of an environment, if it is a worker's.
	 * @param environment the environment
	 * @return the runtime, or {@code null}
	 */
	public static WorkerRuntime runtimeOf(ConfigurableEnvironment environment) {
		return (environment.getPropertySources().get(NAME) instanceof WorkerPropertySource source)
				? source.getRuntime() : null;
	}

}
