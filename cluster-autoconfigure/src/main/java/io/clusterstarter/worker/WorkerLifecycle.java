package io.clusterstarter.worker;

import java.io.IOException;

import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.port.ListenGate;
import io.clusterstarter.warmup.Warmup;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.util.ClassUtils;

/**
 * Starts a worker: connects it to the primary, holds its listeners back until it is ready, and
 * wires the reports of its web servers and readiness.
 *
 * @author cluster-spring-boot-starter
 */
public final class WorkerLifecycle {

	private static final String WEB_SERVER_EVENT = "org.springframework.boot.web.server.context.WebServerInitializedEvent";

	private final WorkerRuntime runtime;

	private WorkerLifecycle(WorkerRuntime runtime) {
		this.runtime = runtime;
	}

	/**
	 * Start the worker side of an application run.
	 * @param runtime the worker runtime from the environment's {@link WorkerPropertySource}
	 * @param application the application being run
	 * @return the lifecycle, to be told about the context and readiness
	 * @throws IllegalStateException if the primary cannot be reached
	 */
	public static WorkerLifecycle start(WorkerRuntime runtime, SpringApplication application) {
		try {
			runtime.connect();
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"Worker " + runtime.id() + " cannot reach its primary: " + ex.getMessage(), ex);
		}
		// The worker's listeners join the port's group only once it is ready
		ListenGate.closeUntilReady();
		if (ClassUtils.isPresent(WEB_SERVER_EVENT, application.getClassLoader())) {
			application.addListeners(new WorkerWebServerListener(runtime));
		}
		// And stop taking connections first when it leaves, before any server's graceful shutdown
		application.addListeners((ApplicationListener<ApplicationEvent>) (event) -> {
			if (event instanceof ContextClosedEvent) {
				ListenGate.leave();
			}
		});
		return new WorkerLifecycle(runtime);
	}

	/**
	 * The application context has started (refreshed, its listeners registered): deliver
	 * messages from the primary to it, those that waited first.
	 * @param context the context
	 */
	public void started(ConfigurableApplicationContext context) {
		this.runtime.attach(context);
	}

	/**
	 * The application is ready: once its readiness check passes too, and once it has warmed up
	 * if it starts while the cluster serves, its listeners join the port's group and the
	 * primary is told, in that order, so that the worker it replaces retires only once this one
	 * takes connections.
	 * @param context the context
	 */
	public void ready(ConfigurableApplicationContext context) {
		Runnable serve = () -> {
			ListenGate.open();
			this.runtime.ready();
		};
		ReadinessCheck.of(context).whenReady(context, () -> {
			ClusterProperties.Warmup warmup = Warmup.properties(context);
			if (this.runtime.warmsUp() && warmup.isEnabled()) {
				Warmup.start(context, warmup, this.runtime::warmup, serve);
			}
			else {
				serve.run();
			}
		});
	}

}
