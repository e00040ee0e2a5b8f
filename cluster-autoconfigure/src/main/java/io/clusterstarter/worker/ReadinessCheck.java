package io.clusterstarter.worker;

import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.clusterstarter.actuate.ClusterHealthIndicator;
import io.clusterstarter.autoconfigure.ClusterProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * Decides when a worker tells the primary it is ready: once its application is ready and its
 * readiness health group ({@code cluster.readiness.health-group}, as
 * {@code /actuator/health/readiness} shows it, but for the cluster's own contributor, which
 * depends on the workers being ready) is UP, or, without Actuator's health, once its
 * readiness state accepts traffic. Until then its listeners stay out of the port's group (see
 * {@link io.clusterstarter.port.ListenGate}) and it does not count as serving, so a
 * rolling restart or a deploy does not retire the worker it replaces; one that never gets ready
 * is killed after {@code cluster.startup-timeout}, which rolls a deploy back.
 *
 * @author cluster-spring-boot-starter
 */
final class ReadinessCheck {

	private static final Log logger = LogFactory.getLog(ReadinessCheck.class);

	private static final String HEALTH_ENDPOINT = "org.springframework.boot.health.actuate.endpoint.HealthEndpoint";

	private final String what;

	/** The status now: {@code null} when ready, else what is not. */
	private final Supplier<String> notReady;

	private final Duration interval;

	private ReadinessCheck(String what, Supplier<String> notReady, Duration interval) {
		this.what = what;
		this.notReady = notReady;
		this.interval = interval;
	}

	static ReadinessCheck of(ConfigurableApplicationContext context) {
		ClusterProperties.Readiness properties = Binder.get(context.getEnvironment())
			.bindOrCreate("cluster.readiness", ClusterProperties.Readiness.class);
		String group = properties.getHealthGroup();
		Duration interval = properties.getCheckInterval();
		if (group == null || group.isBlank()) {
			return new ReadinessCheck("nothing", () -> null, interval);
		}
		Supplier<String> state = readinessState(context);
		if (ClassUtils.isPresent(HEALTH_ENDPOINT, context.getClassLoader())) {
			Supplier<String> health = HealthGroup.status(context, group.strip());
			if (health != null) {
				return new ReadinessCheck("health group '" + group.strip() + "'", health, interval);
			}
		}
		return new ReadinessCheck("readiness state", state, interval);
	}

	private static Supplier<String> readinessState(ConfigurableApplicationContext context) {
		ApplicationAvailability availability = context.getBeanProvider(ApplicationAvailability.class).getIfAvailable();
		if (availability == null) {
			return () -> null;
		}
		return () -> {
			ReadinessState state = availability.getReadinessState();
			return (state == ReadinessState.ACCEPTING_TRAFFIC) ? null : state.name();
		};
	}

	/**
	 * Tell the primary once the worker is ready: at once if it is, otherwise from a thread
	 * that checks again at the interval while the application runs.
	 * @param context the application's context
	 * @param ready what to do once ready
	 */
	void whenReady(ConfigurableApplicationContext context, Runnable ready) {
		String status = this.notReady.get();
		if (status == null) {
			ready.run();
			return;
		}
		logger.info("Not ready yet: " + this.what + " is " + status + "; this worker takes connections and "
				+ "counts as ready once it is UP (cluster.readiness)");
		Thread thread = new Thread(() -> {
			long start = System.nanoTime();
			try {
				while (context.isActive()) {
					Thread.sleep(this.interval.toMillis());
					if (this.notReady.get() == null) {
						logger.info("Ready: " + this.what + " is UP after "
								+ Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
						ready.run();
						return;
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "cluster-readiness");
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * The status of a health group, when Actuator's health endpoint is there.
	 */
	private static final class HealthGroup {

		static Supplier<String> status(ConfigurableApplicationContext context, String group) {
			HealthEndpoint endpoint = context.getBeanProvider(HealthEndpoint.class).getIfAvailable();
			if (endpoint == null || endpoint.healthForPath(group) == null) {
				return null;
			}
			return () -> {
				HealthDescriptor health = endpoint.healthForPath(group);
				String code = (health != null) ? ownStatus(health).getCode() : "UNKNOWN";
				return "UP".equals(code) ? null : code;
			};
		}

		/**
		 * The group's status without the cluster's own contributor, when the group holds it (as
		 * the Kubernetes readiness group should): the cluster is UP only once the workers serve,
		 * so a worker that waited for it would never serve, at start or after a crash.
		 */
		private static Status ownStatus(HealthDescriptor health) {
			if (health instanceof CompositeHealthDescriptor composite && composite.getComponents() != null
					&& composite.getComponents().containsKey(ClusterHealthIndicator.NAME)) {
				Set<Status> others = composite.getComponents()
					.entrySet()
					.stream()
					.filter((component) -> !ClusterHealthIndicator.NAME.equals(component.getKey()))
					.map((component) -> component.getValue().getStatus())
					.collect(Collectors.toSet());
				return others.isEmpty() ? Status.UP : StatusAggregator.getDefault().getAggregateStatus(others);
			}
			return health.getStatus();
		}

	}

}
