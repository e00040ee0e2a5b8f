package io.clusterstarter.supervise;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/**
 * Starts workers in bounded waves: at most {@code cluster.startup-concurrency} workers start at
 * the same time, the others wait here in order. Sixty-four JVMs forked at once on two processors
 * would all boot slowly enough to miss their start-up timeout and be replaced for ever; in waves,
 * each worker's start-up timeout, counted from its fork, measures that worker and not the queue.
 * Used on the cluster's event loop only.
 *
 * @author cluster-spring-boot-starter
 */
public final class StartupQueue {

	/**
	 * A fork waiting for its turn.
	 * @param slot the slot to fork into
	 * @param restart whether it replaces a worker that exited unexpectedly
	 */
	public record Waiting(int slot, boolean restart) {
	}

	private final int concurrency;

	private final Deque<Waiting> waiting = new ArrayDeque<>();

	/**
	 * Create the queue.
	 * @param concurrency how many workers may start at once
	 */
	public StartupQueue(int concurrency) {
		this.concurrency = concurrency;
	}

	/**
	 * Return how many workers may start at once.
	 * @return the concurrency
	 */
	public int concurrency() {
		return this.concurrency;
	}

	/**
	 * Queue a fork.
	 * @param slot the slot
	 * @param restart whether it replaces a crashed worker
	 */
	public void add(int slot, boolean restart) {
		this.waiting.addLast(new Waiting(slot, restart));
	}

	/**
	 * Return the slots promised to waiting forks.
	 * @return the slots
	 */
	public Set<Integer> slots() {
		return this.waiting.stream().map(Waiting::slot).collect(Collectors.toSet());
	}

	/**
	 * Forget the forks into slots from a number up: the cluster was scaled down.
	 * @param slot the first slot no longer wanted
	 */
	public void cancelFrom(int slot) {
		this.waiting.removeIf((fork) -> fork.slot() >= slot);
	}

	/**
	 * Start waiting forks while fewer than the concurrency are starting.
	 * @param starting how many workers are starting now; asked again after every fork
	 * @param fork forks one
	 */
	public void startWhileRoom(IntSupplier starting, Consumer<Waiting> fork) {
		while (!this.waiting.isEmpty() && starting.getAsInt() < this.concurrency) {
			fork.accept(this.waiting.removeFirst());
		}
	}

}
