package io.clusterstarter.primary;

import java.nio.file.Path;

import io.clusterstarter.Cluster;
import io.clusterstarter.deploy.ReleaseArtifact;
import io.clusterstarter.upgrade.UpgradeTarget;

/**
 * The primary's cluster as an upgrade of the primary sees it: whether a deploy or a roll is
 * under way, what the workers run, and the ports the new primary inherits. Keeps the
 * cluster's own methods out of the {@code upgrade} package.
 *
 * @author cluster-spring-boot-starter
 */
final class ClusterUpgradeTarget implements UpgradeTarget {

	private final PrimaryCluster cluster;

	private final PrimaryOptions options;

	ClusterUpgradeTarget(PrimaryCluster cluster, PrimaryOptions options) {
		this.cluster = cluster;
		this.options = options;
	}

	@Override
	public Cluster cluster() {
		return this.cluster;
	}

	@Override
	public void publish(Object event) {
		this.cluster.publish(event);
	}

	@Override
	public String busy() {
		return this.cluster.onLoop(() -> {
			if (this.cluster.isStopping()) {
				return "The cluster is shutting down";
			}
			if (!this.cluster.up().isDone()) {
				return "The cluster is still starting (a new primary takes over once every first worker is ready)";
			}
			if (this.cluster.deploySnapshot() != null) {
				return "A deploy is running";
			}
			if (this.cluster.replacements().isRolling()) {
				return "A rolling restart is running";
			}
			return null;
		});
	}

	@Override
	public ReleaseArtifact currentArtifact() {
		return this.cluster.onLoop(() -> this.cluster.releases().current().artifact());
	}

	@Override
	public Path defaultArtifact() {
		return this.cluster.reloadArtifact();
	}

	@Override
	public Path workingDirectory() {
		return this.cluster.workingDirectory();
	}

	@Override
	public Integer port() {
		return this.options.port();
	}

	@Override
	public Integer managementPort() {
		return this.options.managementPort();
	}

	@Override
	public int startupRounds() {
		int concurrency = Math.max(1, this.cluster.startupConcurrency());
		return Math.max(1, (this.cluster.configuredWorkers() + concurrency - 1) / concurrency);
	}

}
