package io.clusterstarter.actuate;

import java.time.Duration;
import java.util.Map;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.worker.WorkerRuntime;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@link Endpoint @Endpoint} that shows the cluster. Any worker answers on the shared port with
 * the primary's authoritative view, fetched over IPC.
 *
 * @author cluster-spring-boot-starter
 */
@Endpoint(id = "cluster")
public class ClusterEndpoint {

	/**
	 * How long a worker waits for the primary's view before it gives up.
	 */
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
	 * @throws io.clusterstarter.worker.PrimaryUnavailableException if the primary does not
	 * answer within 5 seconds
	 */
	@ReadOperation
	public ClusterSnapshot cluster() {
		if (this.runtime == null) {
			return new ClusterSnapshot(null, Map.of());
		}
		return this.runtime.codec().fromTree(this.runtime.request("status", TIMEOUT), ClusterSnapshot.class);
	}

	/**
	 * Return one live worker as the primary sees it.
	 * @param id the worker id
	 * @return the worker, or {@code null} if no live worker has that id
	 * @throws InvalidEndpointRequestException if the id is not a number
	 */
	@ReadOperation
	public ClusterSnapshot.WorkerInfo worker(@Selector String id) {
		try {
			Integer.parseInt(id);
		}
		catch (NumberFormatException ex) {
			throw new InvalidEndpointRequestException("Worker id '" + id + "' is not a number",
					"Worker id must be a number");
		}
		return cluster().workers().get(id);
	}

}
