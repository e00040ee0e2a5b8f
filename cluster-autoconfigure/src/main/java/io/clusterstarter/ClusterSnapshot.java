package io.clusterstarter;

import java.util.Map;

/**
 * The primary's authoritative view of the cluster, as {@code /actuator/cluster} shows it.
 *
 * @param primary the primary
 * @param workers the live workers keyed by id
 * @author cluster-spring-boot-starter
 */
public record ClusterSnapshot(Primary primary, Map<String, WorkerInfo> workers) {

	/**
	 * The primary process.
	 * @param pid the primary's pid
	 * @param port the shared port, or {@code null} without a web server
	 * @param workers the configured number of workers
	 */
	public record Primary(long pid, Integer port, int workers) {
	}

	/**
	 * One worker.
	 * @param id the worker id
	 * @param slot the worker's slot
	 * @param pid the worker's pid
	 * @param state the state, lower case ({@code forked}, {@code online}, {@code listening},
	 * {@code disconnecting} or {@code dead})
	 * @param startTime when the worker was forked, ISO-8601
	 */
	public record WorkerInfo(int id, int slot, long pid, String state, String startTime) {
	}

}
