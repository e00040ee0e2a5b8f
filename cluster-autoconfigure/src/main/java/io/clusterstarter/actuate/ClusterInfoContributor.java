package io.clusterstarter.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.CurrentWorker;
import io.clusterstarter.worker.PrimaryUnavailableException;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/**
 * {@link InfoContributor} that adds a cluster summary to {@code /actuator/info}: the worker
 * answering, the primary, and how many workers serve out of how many configured.
 *
 * @author cluster-spring-boot-starter
 */
public class ClusterInfoContributor implements InfoContributor {

	private final CurrentWorker worker;

	private final Supplier<ClusterSnapshot> cluster;

	/**
	 * Create the contributor.
	 * @param worker this worker
	 * @param cluster asks the primary for its view, within a bounded time (such as
	 * {@code () -> runtime.status(timeout)})
	 */
	public ClusterInfoContributor(CurrentWorker worker, Supplier<ClusterSnapshot> cluster) {
		this.worker = worker;
		this.cluster = cluster;
	}

	@Override
	public void contribute(Info.Builder builder) {
		Map<String, Object> cluster = new LinkedHashMap<>();
		cluster.put("worker", Map.of("id", this.worker.id(), "slot", this.worker.slot()));
		try {
			ClusterSnapshot snapshot = this.cluster.get();
			ClusterSnapshot.Primary primary = snapshot.primary();
			cluster.put("primary", Map.of("pid", primary.pid(), "startTime", primary.startTime()));
			cluster.put("workers", primary.settings().workers());
			cluster.put("serving", snapshot.serving());
		}
		catch (PrimaryUnavailableException ex) {
			// Info is informational: say why the summary is missing rather than fail
			cluster.put("error", ex.getMessage());
		}
		builder.withDetail("cluster", cluster);
	}

}
