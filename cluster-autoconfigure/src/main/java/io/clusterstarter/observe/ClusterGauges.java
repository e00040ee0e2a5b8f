package io.clusterstarter.observe;

import java.util.Map;

import io.clusterstarter.WorkerState;

/**
 * The figures about the cluster's workers that the primary's gauges read at each scrape, from
 * any thread. The primary implements it.
 *
 * @author cluster-spring-boot-starter
 */
public interface ClusterGauges {

	/**
	 * Return how many live workers run each release version.
	 * @return the count of each version
	 */
	Map<String, Long> workersByVersion();

	/**
	 * Return how many live workers are in a state.
	 * @param state the state
	 * @return how many
	 */
	int countInState(WorkerState state);

	/**
	 * Return the number of workers the cluster is to run.
	 * @return the configured number of workers
	 */
	int configuredWorkers();

	/**
	 * Return how many slots failed: their workers crashed too often to be restarted.
	 * @return the number of failed slots
	 */
	int failedSlotCount();

}
