package io.clusterstarter.supervise;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.autoconfigure.ClusterProperties.RestartPolicy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Decides, slot by slot, what follows a worker's unexpected exit: whether it is replaced
 * ({@code cluster.restart.policy}), after which backoff (growing while replacements keep
 * failing, starting over once a worker has been stable), and when a slot that keeps failing is
 * given up ({@code cluster.restart.max-failures} within {@code failure-window}). Used on the
 * cluster's event loop only, except {@link #failedCount()}, which meters read.
 *
 * @author cluster-spring-boot-starter
 */
public final class SlotRestarts {

	private static final Log logger = LogFactory.getLog(SlotRestarts.class);

	private final ClusterProperties.Restart restart;

	/** Slots promised to a replacement that is waiting out its backoff. */
	private final Set<Integer> pendingSlots = new HashSet<>();

	/** Unexpected exits in a row per slot, for the backoff; cleared once a slot is stable. */
	private final Map<Integer, Integer> failuresBySlot = new HashMap<>();

	/** Each slot's recent unexpected exits, for the crash-loop limit. */
	private final Map<Integer, Deque<Failure>> failureTimesBySlot = new HashMap<>();

	/** How many times each slot was restarted after an unexpected exit; read by the view. */
	private final Map<Integer, Integer> restartsBySlot = new ConcurrentHashMap<>();

	/** Slots that exited too often and are no longer restarted; read by meters too. */
	private final Set<Integer> failedSlots = ConcurrentHashMap.newKeySet();

	/**
	 * Create the policy.
	 * @param restart {@code cluster.restart}
	 */
	public SlotRestarts(ClusterProperties.Restart restart) {
		this.restart = restart;
	}

	/**
	 * Return whether the policy replaces a worker that exited on its own with this code.
	 * @param code the exit code
	 * @return whether to replace it
	 */
	public boolean replaces(int code) {
		RestartPolicy policy = this.restart.getPolicy();
		return policy == RestartPolicy.ALWAYS || (policy == RestartPolicy.ON_FAILURE && code != 0);
	}

	/**
	 * Count a worker's unexpected exit in its slot and decide: the delay before its
	 * replacement, with the slot held for it meanwhile; or, once the slot has failed too often
	 * within the window, give the slot up.
	 * @param slot the worker's slot
	 * @param worker the worker, for the log
	 * @param code its exit code
	 * @param signal the signal that ended it, or {@code null}
	 * @param outOfMemory what the worker may use of the memory, when the kernel's OOM killer
	 * ended it, else {@code null}
	 * @return the delay in milliseconds, or -1 when the slot has failed
	 */
	public long exitedUnexpectedly(int slot, String worker, int code, String signal, String outOfMemory) {
		String how = (outOfMemory != null) ? "was killed by the kernel's OOM killer (code " + code + ", " + signal + ")"
				: "exited unexpectedly with code " + code + ((signal != null) ? " (" + signal + ")" : "");
		if (crashLooping(slot, outOfMemory != null)) {
			long oomKills = this.failureTimesBySlot.get(slot).stream().filter(Failure::outOfMemory).count();
			this.failedSlots.add(slot);
			this.failureTimesBySlot.remove(slot);
			this.failuresBySlot.remove(slot);
			String action = (outOfMemory != null)
					? "; " + outOfMemory + ": lower cluster.workers or each worker's heap (cluster.exec-argv), or give "
							+ "the cluster more memory, then restart the cluster."
					: ". Fix the cause (see the worker's output above), then restart the cluster.";
			int times = this.restart.getMaxFailures();
			logger.error("Slot " + slot + " failed: its workers exited unexpectedly " + times
					+ ((times != 1) ? " times" : " time") + " within " + this.restart.getFailureWindow().toSeconds() + " s"
					+ ((oomKills > 0) ? ", " + oomKills + " of them killed by the kernel's OOM killer" : "") + " (last "
					+ worker + " " + how + "); it is not restarted again" + action);
			return -1;
		}
		int failures = this.failuresBySlot.merge(slot, 1, Integer::sum) - 1;
		double delay = this.restart.getInitialBackoff().toMillis() * Math.pow(this.restart.getMultiplier(), failures);
		long delayMillis = (long) Math.min(delay, this.restart.getMaxBackoff().toMillis());
		logger.warn(worker + " " + how + ((outOfMemory != null) ? ": " + outOfMemory : "") + "; replacing it in slot "
				+ slot + " in " + delayMillis + " ms");
		this.pendingSlots.add(slot);
		this.restartsBySlot.merge(slot, 1, Integer::sum);
		return delayMillis;
	}

	/**
	 * Count an unexpected exit in a slot and say whether the slot has now failed too often
	 * within the failure window.
	 */
	private boolean crashLooping(int slot, boolean outOfMemory) {
		Instant now = Instant.now();
		Deque<Failure> failures = this.failureTimesBySlot.computeIfAbsent(slot, (key) -> new ArrayDeque<>());
		failures.addLast(new Failure(now, outOfMemory));
		while (!failures.isEmpty() && failures.peekFirst().time().isBefore(now.minus(this.restart.getFailureWindow()))) {
			failures.removeFirst();
		}
		return this.restart.getMaxFailures() > 0 && failures.size() >= this.restart.getMaxFailures();
	}

	/**
	 * Return how many times the slot was restarted after a worker in it exited unexpectedly.
	 * @param slot the slot
	 * @return the count, 0 for a slot never restarted
	 */
	public int restarts(int slot) {
		return this.restartsBySlot.getOrDefault(slot, 0);
	}

	/**
	 * The backoff is over: take the slot back for the replacement.
	 * @param slot the slot
	 * @return {@code false} if the slot is no longer wanted (the cluster was scaled down)
	 */
	public boolean takePending(int slot) {
		return this.pendingSlots.remove(slot);
	}

	/**
	 * Return whether the slot waits for its crash restart's backoff to end.
	 * @param slot the slot
	 * @return whether a restart is pending
	 */
	public boolean isPending(int slot) {
		return this.pendingSlots.contains(slot);
	}

	/**
	 * A worker in the slot has been ready for the stable period: its backoff starts over.
	 * @param slot the slot
	 */
	public void stable(int slot) {
		this.failuresBySlot.remove(slot);
	}

	/**
	 * The cluster was scaled down: forget the slots from this one up.
	 * @param slot the first slot no longer wanted
	 */
	public void forgetFrom(int slot) {
		this.failedSlots.removeIf((failed) -> failed >= slot);
		this.pendingSlots.removeIf((pending) -> pending >= slot);
	}

	/**
	 * Return the slots no new worker may take: waiting for a replacement, or failed.
	 * @return the slots
	 */
	public Set<Integer> reserved() {
		Set<Integer> reserved = new HashSet<>(this.pendingSlots);
		reserved.addAll(this.failedSlots);
		return reserved;
	}

	/**
	 * Return the slots that failed, in order.
	 * @return the failed slots
	 */
	public List<Integer> failedSlots() {
		return this.failedSlots.stream().sorted().toList();
	}

	/**
	 * Return how many slots failed.
	 * @return the count
	 */
	public int failedCount() {
		return this.failedSlots.size();
	}

	/**
	 * One unexpected exit.
	 * @param time when it happened
	 * @param outOfMemory whether the kernel's OOM killer ended the worker
	 */
	private record Failure(Instant time, boolean outOfMemory) {
	}

}
