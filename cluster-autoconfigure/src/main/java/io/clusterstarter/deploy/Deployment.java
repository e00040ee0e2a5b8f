package io.clusterstarter.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.RollAbortedException;
import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.event.DeployEvent;
import io.clusterstarter.image.ReleaseStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Deploys a new release: checks it before any worker is touched, then moves the slots to it one
 * after the other the zero-loss way of a rolling restart, while the release's worker image is
 * prepared in the background (or first, with {@code cluster.deploy.await-image}), so that a deploy
 * takes about as long as a rolling restart, not minutes more. If a new worker
 * fails (it exits, is not ready within {@code cluster.startup-timeout}, or its readiness check
 * never passes) the deploy rolls back: the slots already moved get workers of the previous
 * release again, the same way, and the cluster ends where it began. One deploy at a time, and no
 * rolling restart or scaling while one runs. The checks run on the caller's thread, so that a
 * refusal answers the caller at once; the rest on a thread of its own and on the event loop.
 *
 * @author cluster-spring-boot-starter
 */
public final class Deployment {

	private static final Log logger = LogFactory.getLog(Deployment.class);

	private final DeployTarget cluster;

	private final ClusterProperties properties;

	private final Releases releases;

	/** The deploy under way; loop only. */
	private Running running;

	/**
	 * A deploy under way.
	 */
	private static final class Running {

		private final Path artifact;

		private final Instant since = Instant.now();

		private Release release;

		private String phase = "checking";

		Running(Path artifact) {
			this.artifact = artifact;
		}

	}

	/**
	 * Create the deploys of a cluster.
	 * @param cluster the cluster
	 * @param properties its properties
	 * @param releases its releases
	 */
	public Deployment(DeployTarget cluster, ClusterProperties properties, Releases releases) {
		this.cluster = cluster;
		this.properties = properties;
		this.releases = releases;
	}

	/**
	 * A deploy that passed its checks.
	 * @param release the release being deployed
	 * @param done completes once every slot runs it; fails with the reason when the deploy was
	 * rolled back or failed
	 */
	public record Started(ClusterSnapshot.Release release, CompletableFuture<Void> done) {
	}

	/**
	 * Deploy an artifact.
	 * @param artifact the executable jar, absolute
	 * @return the deploy, started
	 * @throws DeployRefusedException if it cannot be deployed: nothing was touched
	 */
	public Started deploy(Path artifact) {
		Running claim = new Running(artifact);
		this.cluster.onLoop(() -> {
			claim(claim);
			return null;
		});
		Release release;
		try {
			release = check(artifact);
		}
		catch (RuntimeException ex) {
			this.cluster.later(() -> this.running = null);
			logger.warn("Deploy of " + artifact + " refused: " + ex.getMessage());
			throw ex;
		}
		CompletableFuture<Void> done = new CompletableFuture<>();
		this.cluster.onLoop(() -> {
			claim.release = release;
			claim.phase = "preparing";
			this.releases.deploying(release);
			Release current = this.releases.current();
			logger.info("Deploying " + release + " over " + current + ": "
					+ (this.properties.getDeploy().isAwaitImage() ? "its image first, then " : "")
					+ this.cluster.configuredWorkers() + " worker" + ((this.cluster.configuredWorkers() != 1) ? "s" : "")
					+ ", " + this.properties.getRollingRestart().getParallelism() + " at a time"
					+ (this.properties.getDeploy().isAwaitImage() ? ""
							: ", from the jar while its image is prepared in the background"));
			this.cluster.publish(event(DeployEvent.Phase.STARTED, release, current, null));
			return null;
		});
		Thread thread = new Thread(() -> prepareThenRoll(claim, done), "cluster-deploy");
		thread.setDaemon(true);
		thread.start();
		return new Started(release.snapshot(), done);
	}

	/**
	 * Deploy an artifact named through the cluster endpoint, which may only name one in
	 * {@code cluster.deploy.directory}.
	 * @param artifact the artifact, relative to that directory or absolute
	 * @return the release being deployed
	 * @throws DeployRefusedException if it is refused
	 */
	public ClusterSnapshot.Release fromEndpoint(String artifact) {
		Path directory = this.properties.getDeploy().getDirectory();
		Path file = DeployDirectory.resolve(
				(directory != null) ? this.cluster.workingDirectory().resolve(directory) : null, artifact);
		return deploy(file).release();
	}

	/**
	 * What SIGHUP does, after Gunicorn's and Puma's reloads: deploy the artifact (re-resolved
	 * now, so a symlink moved to a new release is followed) when its content differs from the
	 * release running; otherwise, or when it is gone, restart every worker on its release.
	 * @param artifact {@code cluster.deploy.artifact}, or the launched jar as named
	 * @return completes when the deploy or the rolling restart has, or fails with the reason
	 * it did not
	 * @throws DeployRefusedException if the artifact cannot be deployed
	 * @throws IllegalStateException if a deploy or rolling restart already runs
	 */
	public CompletableFuture<Void> reload(Path artifact) {
		Path absolute = this.cluster.workingDirectory().resolve(artifact).normalize();
		String running = this.cluster.onLoop(() -> {
			Release current = this.releases.current();
			return (current.artifact() != null) ? current.artifact().sha256() : null;
		});
		if (running != null && Files.exists(absolute)) {
			String found;
			try {
				found = ReleaseStore.sha256Of(absolute);
			}
			catch (IOException ex) {
				throw new DeployRefusedException("Could not read " + absolute + ": " + ex.getMessage(), false);
			}
			if (!running.equals(found)) {
				return deploy(absolute).done();
			}
		}
		else if (running != null) {
			logger.warn(absolute + " (cluster.deploy.artifact) does not exist; restarting every worker on the release it runs");
		}
		return this.cluster.rollingRestart();
	}

	private void claim(Running claim) {
		if (this.cluster.isStopping()) {
			throw new DeployRefusedException("The cluster is shutting down", true);
		}
		if (this.running != null) {
			throw new DeployRefusedException("A deploy of " + this.running.artifact + " is running (since "
					+ this.running.since + "); deploy once it has ended", true);
		}
		if (this.cluster.isRolling()) {
			throw new DeployRefusedException("A rolling restart is running; deploy once it has ended", true);
		}
		this.running = claim;
	}

	/**
	 * The preflight: copy the artifact, read the copy, and check it against the release running
	 * and this JVM.
	 */
	private Release check(Path artifact) {
		DeployPreflight.checkFile(artifact);
		Release release = this.cluster.newRelease(artifact);
		try {
			Release current = this.cluster.onLoop(this.releases::current);
			if (release.hasContent(current.artifact() != null ? current.artifact().sha256() : "")) {
				throw new DeployRefusedException(artifact + " is the release the cluster runs (" + current
						+ "); a rolling restart restarts it", true);
			}
			DeployPreflight.check(release.artifact(), current.artifact(), this.properties.getDeploy());
		}
		catch (RuntimeException ex) {
			release.close();
			this.cluster.removeUnusedReleases();
			throw ex;
		}
		// The same content again (back to the previous release): the one open keeps its image
		Release open = this.cluster.onLoop(() -> this.releases.withContent(release.artifact().sha256()));
		if (open != null) {
			release.close();
			return open;
		}
		return release;
	}

	private void prepareThenRoll(Running claim, CompletableFuture<Void> done) {
		Release release = claim.release;
		try {
			if (!this.properties.getDeploy().isAwaitImage()) {
				// Forks made once it is ready start from it, the roll's later ones included
				release.images().prepareInBackground();
			}
			else if (!release.images().prepareNow()) {
				logger.info("Deploying " + release + " without an image: its workers start from the jar");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Deploying " + release + " without an image: " + ex.getMessage());
		}
		this.cluster.later(() -> {
			claim.phase = "rolling";
			CompletableFuture<Void> rolled;
			try {
				if (this.cluster.isStopping()) {
					throw new IllegalStateException("the cluster is shutting down");
				}
				rolled = this.cluster.rollTo(release, "Deploy of " + release.version());
			}
			catch (RuntimeException ex) {
				end(claim, DeployEvent.Phase.FAILED, ex.getMessage(), done);
				return;
			}
			rolled.whenComplete((ignored, failure) -> this.cluster.later(() -> {
				if (failure == null) {
					completed(claim, done);
				}
				else {
					rollBack(claim, reason(failure), done);
				}
			}));
		});
	}

	private void completed(Running claim, CompletableFuture<Void> done) {
		Release release = claim.release;
		Release previous = this.releases.current();
		this.releases.deployed(release);
		this.running = null;
		logger.info("Deploy of " + release + " completed: every worker runs it; " + previous
				+ " stays ready for a rollback");
		this.cluster.publish(event(DeployEvent.Phase.COMPLETED, release, previous, null));
		closeUnused();
		done.complete(null);
	}

	/**
	 * A new worker failed: move the slots already moved back to the release the cluster ran.
	 */
	private void rollBack(Running claim, String reason, CompletableFuture<Void> done) {
		Release current = this.releases.current();
		if (this.cluster.isStopping()) {
			end(claim, DeployEvent.Phase.FAILED, reason, done);
			return;
		}
		logger.error("Deploy of " + claim.release + " failed: " + reason + "; rolling back to " + current);
		claim.phase = "rolling-back";
		CompletableFuture<Void> back;
		try {
			back = this.cluster.rollTo(current, "Rollback to " + current.version());
		}
		catch (RuntimeException ex) {
			end(claim, DeployEvent.Phase.FAILED, reason + "; the rollback could not start: " + ex.getMessage(), done);
			return;
		}
		back.whenComplete((ignored, failure) -> this.cluster.later(() -> {
			int stray = this.releases.slotsNotOn(current, this.cluster.configuredWorkers()).size();
			if (failure == null && stray == 0) {
				end(claim, DeployEvent.Phase.ROLLED_BACK, reason, done);
			}
			else {
				end(claim, DeployEvent.Phase.FAILED, reason + "; the rollback did not restore every slot"
						+ ((failure != null) ? ": " + reason(failure) : " (" + stray + " still on " + claim.release + ")"),
						done);
			}
		}));
	}

	private void end(Running claim, DeployEvent.Phase phase, String reason, CompletableFuture<Void> done) {
		this.running = null;
		this.releases.deployEnded();
		Release current = this.releases.current();
		if (phase == DeployEvent.Phase.ROLLED_BACK) {
			logger.error("Deploy of " + claim.release + " rolled back: " + reason + "; every worker runs " + current);
		}
		else {
			logger.error("Deploy of " + claim.release + " FAILED: " + reason);
		}
		this.cluster.publish(event(phase, claim.release, current, reason));
		closeUnused();
		done.completeExceptionally(new IllegalStateException(
				"Deploy of " + claim.release + ((phase == DeployEvent.Phase.ROLLED_BACK) ? " rolled back: " : " failed: ")
						+ reason));
	}

	private void closeUnused() {
		if (this.releases.closeUnused(this.cluster.liveReleases())) {
			this.cluster.removeUnusedReleases();
		}
	}

	/**
	 * Return whether a deploy runs; loop only.
	 * @return whether one runs
	 */
	public boolean isRunning() {
		return this.running != null;
	}

	/**
	 * Return the deploy under way for the endpoint, or {@code null}; loop only.
	 * @return the deploy under way
	 */
	public ClusterSnapshot.Deploy snapshot() {
		Running current = this.running;
		if (current == null) {
			return null;
		}
		ClusterSnapshot.Release release = (current.release != null) ? current.release.snapshot()
				: new ClusterSnapshot.Release(null, current.artifact.toString(), null, null);
		return new ClusterSnapshot.Deploy(release, current.phase, current.since.toString());
	}

	private DeployEvent event(DeployEvent.Phase phase, Release release, Release previous, String reason) {
		return new DeployEvent(this.cluster.cluster(), phase, release.snapshot(), (previous != null) ? previous.snapshot() : null,
				reason);
	}

	private static String reason(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		return (cause instanceof RollAbortedException aborted) ? aborted.reason() : cause.getMessage();
	}

}
