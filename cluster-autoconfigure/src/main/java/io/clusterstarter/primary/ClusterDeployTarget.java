package io.clusterstarter.primary;

import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.clusterstarter.Cluster;
import io.clusterstarter.deploy.DeployTarget;
import io.clusterstarter.deploy.Release;

/**
 * The primary's cluster as its deploys see it: the event loop, the rolls of
 * {@link Replacements} over the workers that stay, and the release files of
 * {@link WorkerProcesses}. Keeps the cluster's own methods out of the {@code deploy} package.
 *
 * @author cluster-spring-boot-starter
 */
final class ClusterDeployTarget implements DeployTarget {

	private final PrimaryCluster cluster;

	private final WorkerProcesses processes;

	ClusterDeployTarget(PrimaryCluster cluster, WorkerProcesses processes) {
		this.cluster = cluster;
		this.processes = processes;
	}

	@Override
	public Cluster cluster() {
		return this.cluster;
	}

	@Override
	public <T> T onLoop(Supplier<T> task) {
		return this.cluster.onLoop(task);
	}

	@Override
	public void later(Runnable task) {
		this.cluster.later(task);
	}

	@Override
	public void publish(Object event) {
		this.cluster.publish(event);
	}

	@Override
	public boolean isStopping() {
		return this.cluster.isStopping();
	}

	@Override
	public boolean isRolling() {
		return this.cluster.replacements().isRolling();
	}

	@Override
	public int configuredWorkers() {
		return this.cluster.configuredWorkers();
	}

	@Override
	public Path workingDirectory() {
		return this.cluster.workingDirectory();
	}

	@Override
	public CompletableFuture<Void> rollingRestart() {
		return this.cluster.rollingRestart();
	}

	@Override
	public CompletableFuture<Void> rollTo(Release release, String description) {
		return this.cluster.replacements().rollTo(this.cluster.staying(), release, description);
	}

	@Override
	public Collection<Release> liveReleases() {
		return this.cluster.liveReleases();
	}

	@Override
	public Release newRelease(Path artifact) {
		return this.processes.newRelease(artifact);
	}

	@Override
	public void removeUnusedReleases() {
		this.processes.removeUnusedReleases();
	}

}
