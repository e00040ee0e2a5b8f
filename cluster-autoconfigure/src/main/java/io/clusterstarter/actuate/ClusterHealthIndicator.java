package io.clusterstarter.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import io.clusterstarter.ClusterSnapshot;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Health of the cluster as the primary sees it: {@code UP} when the configured number of
 * workers serve (listening, or ready without a web server), {@link #DEGRADED} when some but not
 * all do, {@code DOWN} when none does or the primary does not answer. Details list each worker
 * with the version it runs, the workers by version, and a deploy under way.
 *
 * @author cluster-spring-boot-starter
 */
public class ClusterHealthIndicator extends AbstractHealthIndicator {

	/**
	 * Some workers serve, fewer than configured: the application answers, with less capacity.
	 * Maps to HTTP 200 and ranks between {@code OUT_OF_SERVICE} and {@code UP}.
	 */
	public static final Status DEGRADED = new Status("DEGRADED", "Fewer workers serve than configured");

	/**
	 * The indicator's name among the health contributors, as health groups name it
	 * ({@code management.endpoint.health.group.readiness.include=readinessState,cluster}).
	 */
	public static final String NAME = "cluster";

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
		Map<String, Long> versions = new TreeMap<>();
		snapshot.workers().forEach((id, worker) -> {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("slot", worker.slot());
			details.put("pid", worker.pid());
			details.put("state", worker.state());
			details.put("ready", worker.ready());
			String version = (worker.release() != null) ? worker.release().version() : null;
			if (version != null) {
				details.put("version", version);
				versions.merge(version, 1L, Long::sum);
			}
			workers.put(id, details);
		});
		builder.withDetail("expected", expected).withDetail("serving", serving).withDetail("workers", workers);
		if (!versions.isEmpty()) {
			builder.withDetail("versions", versions);
		}
		ClusterSnapshot.Deploy deploy = snapshot.primary().deploy();
		if (deploy != null) {
			builder.withDetail("deploy", deploy.phase() + " " + deploy.release().version());
		}
		if (!snapshot.primary().failedSlots().isEmpty()) {
			builder.withDetail("failedSlots", snapshot.primary().failedSlots());
		}
	}

}
