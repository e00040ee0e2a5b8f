package io.clusterstarter.deploy;

import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.clusterstarter.Cluster;

/**
 * What a {@link Deployment} needs of the primary's cluster: its event loop, its rolls, its
 * releases' files and its events. The primary implements it; a deploy sees nothing else of the
 * cluster's workers.
 *
 * @author cluster-spring-boot-starter
 */
public interface DeployTarget {

	/**
	 * Return the cluster, the source of the deploy's events.
	 * @return the cluster
	 */
	Cluster cluster();

	/**
	 * Run a task on the cluster's event loop and wait for its result.
	 * @param <T> the result's type
	 * @param task the task
	 * @return its result
	 */
	<T> T onLoop(Supplier<T> task);

	/**
	 * Run a task on the cluster's event loop, later.
	 * @param task the task
	 */
	void later(Runnable task);

	/**
	 * Publish an event as the cluster.
	 * @param event the event
	 */
	void publish(Object event);

	/**
	 * Return whether the cluster shuts down; loop only.
	 * @return whether it stops
	 */
	boolean isStopping();

	/**
	 * Return whether a rolling restart runs; loop only.
	 * @return whether one runs
	 */
	boolean isRolling();

	/**
	 * Return the number of workers the cluster is to run.
	 * @return the configured number of workers
	 */
	int configuredWorkers();

	/**
	 * Return the primary's working directory, against which relative paths resolve.
	 * @return the working directory
	 */
	Path workingDirectory();

	/**
	 * Restart every worker on its release.
	 * @return completes when every worker is replaced
	 * @see Cluster#rollingRestart()
	 */
	CompletableFuture<Void> rollingRestart();

	/**
	 * Move every slot to a release the zero-loss way of a rolling restart; loop only.
	 * @param release the release every slot is to run
	 * @param description what the roll is, for the log ("Deploy of 2.0.0")
	 * @return completes when no slot runs another release, or fails with a
	 * {@link io.clusterstarter.RollAbortedException}
	 */
	CompletableFuture<Void> rollTo(Release release, String description);

	/**
	 * Return the release of every worker not yet exited, those leaving included; loop only.
	 * @return the live workers' releases
	 */
	Collection<Release> liveReleases();

	/**
	 * Make a release of an artifact: its private copy, its launch and its (unprepared) image.
	 * @param artifact the executable jar, absolute
	 * @return the release, open
	 * @throws DeployRefusedException if the artifact cannot be read as a release
	 */
	Release newRelease(Path artifact);

	/**
	 * Remove the files of the releases no longer open.
	 */
	void removeUnusedReleases();

}
