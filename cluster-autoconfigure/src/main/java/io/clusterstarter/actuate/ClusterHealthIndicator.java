package io.clusterstarter.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.clusterstarter.ClusterSnapshot;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of the cluster as the primary sees it: {@code UP} when the configured number of
 * workers serve (listening, or ready without a web server), {@link #DEGRADED} when some but not
 * all do, {@code DOWN} when none does or the primary does not answer. Details list each worker.
 *
 * @author cluster-spring-boot-starter
 */
public class ClusterHealthIndicator extends AbstractHealthIndicator {

	/**
	 * Some workers serve, fewer than configured: the application answers, with less capacity.
	 * Maps to HTTP 200 and ranks between {@code OUT_OF_SERVICE} and {@code UP}.
	 */
	public static final Status DEGRADED = new Status("DEGRADED", "Fewer workers serve than configured");

	private final Supplier<ClusterSnapshot> cluster;

	/**
	 * Create the indicator.
	 * @param cluster asks the primary for its view, within a bounded time (such as
	 * {@code () -> runtime.status(timeout)})
	 */
	public ClusterHealthIndicator(Supplier<ClusterSnapshot> cluster) {
		super("Cluster health check failed");
		this.cluster = cluster;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ClusterSnapshot snapshot = this.cluster.get();
		int expected = snapshot.primary().settings().workers();
		long serving = snapshot.serving();
		if (serving >= expected) {
			builder.up();
		}
		else if (serving == 0) {
			builder.down();
		}
		else {
			builder.status(DEGRADED);
		}
		Map<String, Object> workers = new LinkedHashMap<>();
		snapshot.workers()
			.forEach((id, worker) -> workers.put(id,
					Map.of("slot", worker.slot(), "pid", worker.pid(), "state", worker.state(), "ready",
							worker.ready())));
		builder.withDetail("expected", expected).withDetail("serving", serving).withDetail("workers", workers);
		if (!snapshot.primary().failedSlots().isEmpty()) {
			builder.withDetail("failedSlots", snapshot.primary().failedSlots());
		}
	}

}
