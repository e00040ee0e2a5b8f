package io.clusterstarter.actuate;

import java.time.Duration;
import java.util.Map;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.worker.WorkerRuntime;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * {@link Endpoint @Endpoint} that shows the cluster. Any worker answers on the shared port with
 * the primary's authoritative view, fetched over IPC.
 *
 * @author cluster-spring-boot-starter
 */
@Endpoint(id = "cluster")
public class ClusterEndpoint {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final WorkerRuntime runtime;

	/**
	 * Create the endpoint.
	 * @param runtime the worker runtime, or {@code null} when the application is not clustered
	 */
	public ClusterEndpoint(WorkerRuntime runtime) {
		this.runtime = runtime;
	}

	/**
	 * Return the primary's view of the cluster; without clustering, no primary and no workers.
	 * @return the cluster
	 */
	@ReadOperation
	public ClusterSnapshot cluster() {
		if (this.runtime == null) {
			return new ClusterSnapshot(null, Map.of());
		}
		return this.runtime.codec().fromTree(this.runtime.request("status", TIMEOUT), ClusterSnapshot.class);
	}

}
