package io.clusterstarter.upgrade;

import java.nio.file.Path;

import io.clusterstarter.Cluster;
import io.clusterstarter.deploy.ReleaseArtifact;

/**
 * What an upgrade needs of the old primary's cluster: whether it may start, what it runs, the
 * ports the new primary inherits, and its events. The primary implements it; an upgrade sees
 * nothing else of the cluster.
 *
 * @author cluster-spring-boot-starter
 */
public interface UpgradeTarget {

	/**
	 * Return the cluster, the source of the upgrade's events.
	 * @return the cluster
	 */
	Cluster cluster();

	/**
	 * Publish an event as the cluster.
	 * @param event the event
	 */
	void publish(Object event);

	/**
	 * Return why the cluster cannot be upgraded now: it stops, or a deploy or a rolling restart
	 * runs.
	 * @return the reason, or {@code null} when it can
	 */
	String busy();

	/**
	 * Return the release the workers run.
	 * @return its artifact, or {@code null} when the primary was not launched from a jar
	 */
	ReleaseArtifact currentArtifact();

	/**
	 * Return what an upgrade without an artifact starts: {@code cluster.deploy.artifact}, else
	 * the launched jar as named.
	 * @return the artifact, or {@code null} for a launch that is not a jar
	 */
	Path defaultArtifact();

	/**
	 * Return the primary's working directory, against which relative paths resolve.
	 * @return the working directory
	 */
	Path workingDirectory();

	/**
	 * Return the port the workers share.
	 * @return the port, or {@code null} without a web server
	 */
	Integer port();

	/**
	 * Return the separate management port.
	 * @return the port, or {@code null} without one
	 */
	Integer managementPort();

	/**
	 * Return how many rounds of workers start, under {@code cluster.startup-concurrency}.
	 * @return the rounds, at least 1
	 */
	int startupRounds();

}
