package io.clusterstarter.worker;

import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Installs the {@link WorkerPropertySource} in a worker's environment before logging is
 * initialised, so that the worker's own log file and the shared ports apply from the first line.
 *
 * @author cluster-spring-boot-starter
 */
public class WorkerEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/** Only the first application run in a worker JVM is the worker's application. */
	private static final AtomicBoolean installed = new AtomicBoolean();

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		WorkerRuntime.fromEnvironment(System.getenv()).ifPresent((runtime) -> {
			if (installed.compareAndSet(false, true)) {
				WorkerPropertySource.install(environment, runtime, System.getenv());
			}
		});
	}

	/**
	 * Run after the configuration files are loaded, and so before logging starts, which happens
	 * once every post-processor has run.
	 */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
