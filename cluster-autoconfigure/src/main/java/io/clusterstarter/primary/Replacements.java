package io.clusterstarter.primary;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import io.clusterstarter.RollAbortedException;
import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.deploy.Release;
import io.clusterstarter.event.RollingRestartEvent;
import io.clusterstarter.ipc.IpcMessage;
import io.clusterstarter.observe.ClusterCounters;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Replaces workers without dropping below the number serving: all of them in a rolling
 * restart or a deploy (and its rollback), or one at a time (on request, or when it reaches a
 * {@code cluster.recycle} limit).
 * Each replacement is forked into the slot of the worker it replaces, and that worker is
 * disconnected only once the replacement listens and is ready. Used on the cluster's event loop
 * only, so it needs no locking.
 *
 * @author cluster-spring-boot-starter
 */
final class Replacements {

	private static final Log logger = LogFactory.getLog(Replacements.class);

	private final PrimaryCluster cluster;

	private final ClusterProperties properties;

	private final ClusterCounters counters;

	/** The rolling restart under way, if any. */
	private Roll roll;

	/** Workers being replaced, by a rolling restart or one at a time. */
	private final List<Swap> swaps = new ArrayList<>();

	Replacements(PrimaryCluster cluster, ClusterProperties properties, ClusterCounters counters) {
		this.cluster = cluster;
		this.properties = properties;
		this.counters = counters;
	}

	/**
	 * Start a rolling restart of the given workers: each is replaced by a worker of its own
	 * slot's release.
	 * @param live the workers to replace, none of them leaving
	 * @return completes when every worker has been replaced, or fails with the reason the
	 * rolling restart stopped
	 * @throws IllegalStateException if a rolling restart already runs
	 */
	CompletableFuture<Void> roll(List<ManagedWorker> live) {
		return startRoll(live, null, "Rolling restart", true);
	}

	/**
	 * Move every slot to a release the same zero-loss way, for a deploy or its rollback: each
	 * worker of another release is replaced by one of this release, its replacement first.
	 * @param live the live workers, none of them leaving
	 * @param target the release every slot is to run
	 * @param description what the roll is, for the log ("Deploy of 2.0.0")
	 * @return completes when no slot runs another release, or fails with the reason the roll
	 * stopped
	 * @throws IllegalStateException if a rolling restart already runs
	 */
	CompletableFuture<Void> rollTo(List<ManagedWorker> live, Release target, String description) {
		return startRoll(live, target, description, false);
	}

	private CompletableFuture<Void> startRoll(List<ManagedWorker> live, Release target, String description,
			boolean rollingRestart) {
		if (this.roll != null) {
			throw new IllegalStateException(
					(this.roll.rollingRestart ? "A rolling restart" : this.roll.description) + " is already running");
		}
		// By slot, not by worker: a worker that crashes meanwhile is replaced in its slot, and
		// its replacement is rolled in turn if it runs another release
		SortedSet<Integer> slots = new TreeSet<>();
		live.forEach((worker) -> slots.add(worker.slot()));
		int idAtStart = live.stream().mapToInt(ManagedWorker::id).max().orElse(0);
		int parallelism = this.properties.getRollingRestart().getParallelism();
		Roll started = new Roll(slots, parallelism, target, idAtStart, description, rollingRestart);
		this.roll = started;
		logger.info(description + " of " + started.total + " worker" + ((started.total != 1) ? "s" : "") + " started"
				+ ((parallelism > 1) ? ", " + parallelism + " at a time" : ""));
		if (rollingRestart) {
			this.cluster.publish(new RollingRestartEvent(this.cluster, RollingRestartEvent.Phase.STARTED, 0, null));
		}
		rollNext();
		return started.done;
	}

	/**
	 * Return whether a rolling restart runs.
	 */
	boolean isRolling() {
		return this.roll != null;
	}

	/**
	 * Return how many workers the running rolling restart replaces, or 0.
	 */
	int rollSize() {
		return (this.roll != null) ? this.roll.total : 0;
	}

	/**
	 * Return whether the worker is a replacement that does not serve yet.
	 */
	boolean isStarting(ManagedWorker worker) {
		Swap swap = swapReplacing(worker);
		return swap != null && !swap.retiring;
	}

	/**
	 * Start replacing one worker, as a rolling restart does: the replacement first.
	 * @return completes once the worker is replaced, or fails if its replacement failed
	 * @throws IllegalStateException if the cluster is shutting down, rolling, or already
	 * replacing a worker (never two at once)
	 */
	CompletableFuture<Void> replace(ManagedWorker worker, String reason) {
		if (this.cluster.isStopping()) {
			throw new IllegalStateException("The cluster is shutting down");
		}
		if (this.roll != null) {
			throw new IllegalStateException("A rolling restart is running; it replaces " + worker + " too");
		}
		if (!this.swaps.isEmpty()) {
			throw new IllegalStateException(this.swaps.get(0).old + " is being replaced; replace " + worker
					+ " once that is done");
		}
		logger.info("Replacing " + worker + " in slot " + worker.slot() + ": " + reason);
		return startSwap(worker, null, reason).done;
	}

	/**
	 * Fork the replacement of a worker into its slot.
	 */
	private Swap startSwap(ManagedWorker old, Roll owner, String reason) {
		Release release = (owner != null && owner.target != null) ? owner.target : old.release();
		Swap swap = new Swap(old, this.cluster.forkInSlot(old.slot(), Map.of(), release), owner, reason);
		this.swaps.add(swap);
		return swap;
	}

	private Swap swapOf(ManagedWorker old) {
		return this.swaps.stream().filter((swap) -> swap.old == old).findFirst().orElse(null);
	}

	private Swap swapReplacing(ManagedWorker replacement) {
		return this.swaps.stream().filter((swap) -> swap.replacement == replacement).findFirst().orElse(null);
	}

	/**
	 * Start replacing the next slots still to replace, up to the roll's parallelism, or end the
	 * roll. A single-worker replacement under way finishes first. A slot whose worker is still
	 * starting, is being replaced, or is about to be restarted after a crash waits its turn.
	 */
	void rollNext() {
		Roll current = this.roll;
		if (current == null) {
			return;
		}
		if (this.cluster.isStopping()) {
			endRoll(current, "the cluster is shutting down");
			return;
		}
		if (this.swaps.stream().anyMatch((swap) -> swap.roll == null)) {
			return;
		}
		List<Integer> waiting = new ArrayList<>();
		while (current.active < current.parallelism) {
			Integer slot = current.pending.pollFirst();
			if (slot == null) {
				break;
			}
			ManagedWorker next = null;
			boolean wait = this.cluster.awaitsWorker(slot);
			for (ManagedWorker worker : this.cluster.stayingIn(slot)) {
				if (swapOf(worker) != null || swapReplacing(worker) != null
						|| (current.replaces(worker) && !(this.cluster.serving(worker) && worker.isReady()))) {
					wait = true;
				}
				else if (current.replaces(worker)) {
					next = worker;
				}
			}
			if (wait) {
				waiting.add(slot);
				continue;
			}
			if (next == null) {
				continue; // nothing to replace here
			}
			try {
				startSwap(next, current, current.description.toLowerCase(Locale.ROOT));
				current.active++;
			}
			catch (RuntimeException ex) {
				abortRoll(current, "could not fork a replacement for " + next + ": " + ex.getMessage());
				return;
			}
		}
		current.pending.addAll(waiting);
		if (current.active == 0 && current.pending.isEmpty()) {
			endRoll(current, null);
		}
		else if (current.active == 0) {
			// Only slots whose worker is not ready to be replaced: wait for it (through its
			// warm-up, if it has one), not for ever
			ClusterProperties.Warmup warmup = this.properties.getWarmup();
			Duration timeout = this.properties.getStartupTimeout().plus(warmup.allowance());
			Instant now = Instant.now();
			if (current.waitingSince == null) {
				current.waitingSince = now;
			}
			else if (Duration.between(current.waitingSince, now).compareTo(timeout) > 0) {
				abortRoll(current, "the worker" + ((current.pending.size() != 1) ? "s" : "") + " in slot"
						+ ((current.pending.size() != 1) ? "s " : " ") + current.pending + " did not get ready to be "
						+ "replaced within " + timeout.toSeconds() + " s (cluster.startup-timeout"
						+ (warmup.isEnabled() ? " and cluster.warmup.timeout)" : ")"));
			}
		}
		else {
			current.waitingSince = null;
		}
	}

	/**
	 * Once a replacement serves (listening and ready; ready without a web server), retire the
	 * worker it replaces.
	 */
	void progress(ManagedWorker worker) {
		Swap swap = swapReplacing(worker);
		if (swap == null) {
			// A slot the roll waits for may now be ready to roll
			rollNext();
			return;
		}
		if (swap.retiring || !this.cluster.serving(worker) || !worker.isReady()) {
			return;
		}
		swap.retiring = true;
		if (swap.old == null) {
			// The old worker exited on its own meanwhile
			swapDone(swap);
		}
		else {
			this.cluster.disconnect(swap.old);
		}
	}

	private void swapDone(Swap swap) {
		this.swaps.remove(swap);
		if (swap.roll != null) {
			swap.roll.active--;
			swap.roll.replaced++;
			rollNext();
		}
		else {
			logger.info("Replaced in slot " + swap.replacement.slot() + " by " + swap.replacement + " ("
					+ swap.reason + ")");
			swap.done.complete(null);
			// A rolling restart waits for single-worker replacements
			rollNext();
		}
	}

	/**
	 * Take a worker's exit into account in the replacements under way.
	 * @return {@code true} if the exit belongs to a replacement and must not lead to another
	 */
	boolean exited(ManagedWorker worker, int code) {
		Swap failed = swapReplacing(worker);
		if (failed != null && !failed.retiring) {
			this.swaps.remove(failed);
			String why = this.cluster.isStopping() ? "the cluster is shutting down"
					: worker + " exited with code " + code + " before it was ready"
							+ ((worker.killedBecause() != null) ? " (it " + worker.killedBecause() + ")" : "");
			if (failed.roll != null) {
				failed.roll.active--;
				abortRoll(failed.roll, why);
			}
			else {
				if (failed.old != null) {
					failed.old.refuseRecycle();
					if (!this.cluster.isStopping()) {
						logger.error("Could not replace " + failed.old + " (" + failed.reason + "): " + why + "; "
								+ failed.old + " keeps serving and is not recycled again");
					}
				}
				failed.done.completeExceptionally(new IllegalStateException("Replacement failed: " + why));
				// A rolling restart waits for single-worker replacements
				rollNext();
			}
			// With the old worker gone too, the slot is empty: replace as after any exit
			return failed.old != null;
		}
		Swap swap = swapOf(worker);
		if (swap != null) {
			swap.old = null;
			if (swap.retiring) {
				swapDone(swap);
			}
			// Otherwise it exited while its replacement boots: the replacement takes its place
			return true;
		}
		return false;
	}

	/**
	 * Stop a rolling restart: replacements still booting are disconnected, so that the
	 * workers they were to replace keep serving; workers already retiring finish retiring.
	 */
	private void abortRoll(Roll current, String failure) {
		for (Swap swap : List.copyOf(this.swaps)) {
			if (swap.roll == current && !swap.retiring) {
				this.cluster.disconnect(swap.replacement);
			}
		}
		endRoll(current, failure);
	}

	private void endRoll(Roll current, String failure) {
		if (this.roll != current) {
			return;
		}
		this.roll = null;
		if (failure == null) {
			logger.info(current.description + " completed: " + current.replaced + " worker"
					+ ((current.replaced != 1) ? "s" : "") + " replaced");
			if (current.rollingRestart) {
				this.cluster.publish(new RollingRestartEvent(this.cluster, RollingRestartEvent.Phase.COMPLETED,
						current.replaced, null));
			}
			current.done.complete(null);
		}
		else {
			logger.error(current.description + " aborted after " + current.replaced + " of " + current.total
					+ " workers: " + failure + "; the workers not yet replaced keep serving");
			if (current.rollingRestart) {
				this.cluster.publish(new RollingRestartEvent(this.cluster, RollingRestartEvent.Phase.ABORTED,
						current.replaced, failure));
			}
			current.done.completeExceptionally(new RollAbortedException(current.description, failure));
		}
	}

	/**
	 * Recycle a worker whose latest report is over a {@code cluster.recycle} limit, as a
	 * single replacement: never two at once, never during a rolling restart, and never a
	 * worker whose replacement has already failed once.
	 */
	void recycleIfOverLimit(ManagedWorker worker, IpcMessage.Stats stats) {
		ClusterProperties.Recycle recycle = this.properties.getRecycle();
		if (!recycle.hasLimit() || this.cluster.isStopping() || this.roll != null || !this.swaps.isEmpty()
				|| worker.isLeaving() || worker.isRecycleRefused() || !this.cluster.serving(worker) || !worker.isReady()) {
			return;
		}
		String reason = null;
		if (worker.requestLimit() > 0 && stats.requestsServed() != null
				&& stats.requestsServed() >= worker.requestLimit()) {
			reason = "it served " + stats.requestsServed() + " requests (its limit: " + worker.requestLimit() + ")";
		}
		else if (recycle.getMaxHeapAfterGc() != null && stats.heapAfterGc() != null
				&& stats.heapAfterGc() > recycle.getMaxHeapAfterGc().toBytes()) {
			reason = "its heap after GC, " + megabytes(stats.heapAfterGc())
					+ ", is over cluster.recycle.max-heap-after-gc (" + megabytes(recycle.getMaxHeapAfterGc().toBytes()) + ")";
		}
		else if (recycle.getMaxRss() != null && stats.rss() != null && stats.rss() > recycle.getMaxRss().toBytes()) {
			reason = "its resident memory, " + megabytes(stats.rss()) + ", is over cluster.recycle.max-rss ("
					+ megabytes(recycle.getMaxRss().toBytes()) + ")";
		}
		if (reason != null) {
			try {
				replace(worker, "recycling: " + reason);
				this.counters.recycles.increment();
			}
			catch (RuntimeException ex) {
				worker.refuseRecycle();
				logger.error("Could not recycle " + worker + ": " + ex.getMessage());
			}
		}
	}

	private static String megabytes(long bytes) {
		return (bytes / (1024 * 1024)) + " MB";
	}

	/**
	 * A roll over the slots: those still to visit, how many are being replaced, and which
	 * workers it replaces.
	 */
	private static final class Roll {

		private final Deque<Integer> pending;

		private final int total;

		private final int parallelism;

		/** The release every slot is to run, or {@code null} to restart each in its own. */
		private final Release target;

		/** For a rolling restart: the workers forked up to it are the ones replaced. */
		private final int idAtStart;

		private final String description;

		private final boolean rollingRestart;

		private final CompletableFuture<Void> done = new CompletableFuture<>();

		private int active;

		private int replaced;

		/** Since when the roll has had nothing to do but wait for slots; {@code null} otherwise. */
		private Instant waitingSince;

		Roll(SortedSet<Integer> slots, int parallelism, Release target, int idAtStart, String description,
				boolean rollingRestart) {
			this.pending = new ArrayDeque<>(slots);
			this.total = slots.size();
			this.parallelism = parallelism;
			this.target = target;
			this.idAtStart = idAtStart;
			this.description = description;
			this.rollingRestart = rollingRestart;
		}

		boolean replaces(ManagedWorker worker) {
			return (this.target != null) ? worker.release() != this.target : worker.id() <= this.idAtStart;
		}

	}

	/**
	 * One worker being replaced: its replacement boots in the same slot, and the worker is
	 * retired only once the replacement serves.
	 */
	private static final class Swap {

		/** The worker being replaced; {@code null} once it has exited. */
		private ManagedWorker old;

		private final ManagedWorker replacement;

		/** The rolling restart this belongs to, or {@code null} for a single replacement. */
		private final Roll roll;

		private final String reason;

		private final CompletableFuture<Void> done = new CompletableFuture<>();

		/** Whether the replacement serves and the old worker has been told to leave. */
		private boolean retiring;

		Swap(ManagedWorker old, ManagedWorker replacement, Roll roll, String reason) {
			this.old = old;
			this.replacement = replacement;
			this.roll = roll;
			this.reason = reason;
		}

	}


}
