package io.clusterstarter;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster, after Node.js's {@code cluster} module. In the primary it forks and supervises
 * workers; in a worker it gives access to the {@link #worker() current worker}. Inject it as a bean
 * in either role. When clustering is off (the application runs plainly), both {@link #isPrimary()}
 * and {@link #isWorker()} are {@code false}.
 *
 * @author cluster-spring-boot-starter
 */
public interface Cluster {

	/**
	 * Return whether this JVM is the primary.
	 * @return whether this JVM is the primary
	 */
	boolean isPrimary();

	/**
	 * Return whether this JVM is a worker.
	 * @return whether this JVM is a worker
	 */
	boolean isWorker();

	/**
	 * Return the live workers keyed by id: forked and not yet exited. Empty outside the primary.
	 * @return a snapshot of the live workers
	 */
	Map<Integer, Worker> workers();

	/**
	 * Return the current worker, in a worker.
	 * @return the current worker, or empty outside a worker
	 */
	Optional<CurrentWorker> worker();

	/**
	 * Fork a new worker with the current {@link #settings() settings}.
	 * @return the new worker, already in {@link #workers()}
	 * @throws IllegalStateException outside the primary, or while the cluster shuts down
	 */
	default Worker fork() {
		return fork(Map.of());
	}

	/**
	 * Fork a new worker with extra environment variables, merged over the settings' environment.
	 * @param env the environment variables for this worker only
	 * @return the new worker, already in {@link #workers()}
	 * @throws IllegalStateException outside the primary, or while the cluster shuts down
	 */
	Worker fork(Map<String, String> env);

	/**
	 * Change the settings used by later forks. Fields left unset keep their current value.
	 * Publishes a {@link io.clusterstarter.event.ClusterSetupEvent}.
	 * @param settings the settings to merge over the current ones
	 * @throws IllegalStateException outside the primary
	 */
	void setupPrimary(ClusterSettings settings);

	/**
	 * Change the number of workers the primary keeps, at run time. Scaling up forks workers
	 * into the free slots below the new count; scaling down disconnects (gracefully) the
	 * workers in the slots from the new count up, which are not replaced. A slot marked failed
	 * above the new count is forgotten.
	 * @param workers the new number of workers, at least 1
	 * @throws IllegalArgumentException if {@code workers} is less than 1
	 * @throws IllegalStateException outside the primary, while the cluster shuts down, or while
	 * a rolling restart runs
	 */
	void scale(int workers);

	/**
	 * Replace every worker, {@code cluster.rolling-restart.parallelism} at a time (1 by
	 * default), without dropping below the configured number of serving workers: fork the
	 * replacement in the same slot, wait until it listens and is ready, then disconnect the old
	 * worker (graceful shutdown) and wait for it to exit. If a replacement exits, or is not
	 * ready within {@code cluster.startup-timeout}, the rolling restart stops there: replacements
	 * still starting are disconnected and the workers not yet replaced keep serving. A
	 * single-worker replacement under way (see {@link #restartWorker(int)}) finishes first. Publishes a
	 * {@link io.clusterstarter.event.RollingRestartEvent} when it starts and when it ends. SIGHUP to
	 * the primary starts one too.
	 * @return completes when every worker has been replaced, or fails with a
	 * {@link RollAbortedException} giving the reason it stopped
	 * @throws IllegalStateException outside the primary, while the cluster shuts down, or while
	 * another rolling restart runs
	 */
	CompletableFuture<Void> rollingRestart();

	/**
	 * Replace one worker as a rolling restart does: fork its replacement in its slot, and
	 * disconnect the worker once the replacement listens and is ready. Workers that reach a
	 * {@code cluster.recycle} limit are replaced the same way. One worker at a time: the
	 * primary refuses a second while one is being replaced.
	 * @param id the worker's id
	 * @return completes once the worker is replaced, or fails if its replacement exited or was
	 * not ready in time (the worker then keeps serving)
	 * @throws java.util.NoSuchElementException if no live worker has that id
	 * @throws IllegalStateException outside the primary, while the cluster shuts down, while a
	 * rolling restart runs, or while another worker is being replaced
	 */
	CompletableFuture<Void> restartWorker(int id);

	/**
	 * Deploy a new release of the application: an executable jar, checked before any worker is
	 * touched (the same application, a Java no newer than the workers', a compatible starter),
	 * copied so that later changes to the file do not matter, given its worker image, then
	 * rolled onto every slot the way {@link #rollingRestart()} replaces workers. If a new
	 * worker fails (it exits, or is not ready within {@code cluster.startup-timeout}), the
	 * slots already moved get workers of the previous release again. Publishes a
	 * {@link io.clusterstarter.event.DeployEvent} for each phase. SIGHUP deploys the
	 * {@code cluster.deploy.artifact} when its content changed.
	 * @param artifact the executable jar; a relative path is resolved against the primary's
	 * working directory
	 * @return completes once every slot runs the new release; fails with the reason when the
	 * deploy was rolled back (or could not even roll back)
	 * @throws io.clusterstarter.deploy.DeployRefusedException if the artifact is refused, or a
	 * deploy or rolling restart already runs; nothing was touched
	 * @throws IllegalStateException outside the primary
	 */
	CompletableFuture<Void> deploy(Path artifact);

	/**
	 * Upgrade the primary itself, and the starter with it, without a lost request: start a new
	 * primary from the artifact that inherits the port (its listening socket, or its place in the
	 * {@code SO_REUSEPORT} group), forks its own workers, and takes over the control socket and
	 * the pid files once they are all ready; this primary's workers then finish their requests
	 * and exit, and this primary exits (or, as a service's main process, waits for the new one:
	 * {@code cluster.upgrade.old-primary}). If the new primary exits, or is not ready within the
	 * start-up timeouts, it is stopped and this primary carries on. Checked first as a deploy
	 * is, except that the new release's starter may speak another IPC protocol. Publishes an
	 * {@link io.clusterstarter.event.UpgradeEvent} for each phase.
	 * @param artifact the executable jar; {@code null} for {@code cluster.deploy.artifact}, else
	 * the launched jar as named, re-resolved now; a relative path is resolved against the
	 * primary's working directory
	 * @return completes once the new primary has taken over; fails with the reason when it was
	 * stopped and this primary carries on
	 * @throws io.clusterstarter.deploy.DeployRefusedException if the artifact is refused, or a
	 * deploy, rolling restart or upgrade already runs; nothing was started
	 * @throws IllegalStateException outside the primary
	 */
	CompletableFuture<Void> upgrade(Path artifact);

	/**
	 * Return the settings later forks will use.
	 * @return the current settings
	 */
	ClusterSettings settings();

	/**
	 * Gracefully disconnect every worker. Workers disconnected this way are not replaced.
	 * @return a future that completes when every worker that was live has exited
	 */
	CompletableFuture<Void> disconnect();

}
