package io.clusterstarter.control;

import java.util.concurrent.CompletableFuture;

import io.clusterstarter.Cluster;
import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.observe.RecentEvents;
import io.clusterstarter.observe.WorkerOutput;

/**
 * The cluster as the control socket's commands see it: the public {@link Cluster} API, and
 * what only the primary can tell or do from a terminal. The primary implements it.
 *
 * @author cluster-spring-boot-starter
 */
public interface ControlledCluster extends Cluster {

	/**
	 * Return the primary's view of the cluster, as {@code status} shows it.
	 * @return the snapshot
	 */
	ClusterSnapshot snapshot();

	/**
	 * Reload, as SIGHUP does: deploy the reload artifact when its content changed, otherwise
	 * restart every worker.
	 * @return completes when the deploy or rolling restart has, or fails with the reason it
	 * stopped
	 */
	CompletableFuture<Void> reload();

	/**
	 * Return the workers' recent console lines, for {@code logs}.
	 * @return the output
	 */
	WorkerOutput output();

	/**
	 * Return the cluster's last lifecycle events, for {@code monit}.
	 * @return the events
	 */
	RecentEvents recentEvents();

}
