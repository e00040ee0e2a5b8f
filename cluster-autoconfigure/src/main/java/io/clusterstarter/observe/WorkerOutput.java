package io.clusterstarter.observe;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recent console output of each worker, kept in the primary for {@code logs} on the control
 * socket (PM2's {@code pm2 logs <id>}): the last lines of every live worker and of the few that
 * exited last, so that the lines a crashed worker wrote before it died can still be read. Lines
 * are numbered in the order the primary received them, so the output of several workers reads
 * back interleaved as it happened. Followers get new lines through a bounded queue: a client that
 * reads too slowly loses lines (and is told how many), it never slows the workers' relays.
 *
 * @author cluster-spring-boot-starter
 */
public final class WorkerOutput {

	/** Exited workers whose lines are kept, the most recent ones. */
	public static final int EXITED_KEPT = 8;

	/** Lines waiting for a follower before it starts losing them. */
	static final int FOLLOW_QUEUE = 10_000;

	private final int linesPerWorker;

	private final AtomicLong sequence = new AtomicLong();

	/** By worker id, in the order workers first wrote; guarded by itself. */
	private final Map<Integer, Deque<Line>> lines = new LinkedHashMap<>();

	/** Exited workers, oldest first; guarded by {@link #lines}. */
	private final Deque<Integer> exited = new ArrayDeque<>();

	private final Set<Follower> followers = new CopyOnWriteArraySet<>();

	/**
	 * Keep up to this many lines per worker.
	 * @param linesPerWorker the lines kept for each worker
	 */
	public WorkerOutput(int linesPerWorker) {
		this.linesPerWorker = Math.max(1, linesPerWorker);
	}

	/**
	 * Keep a line a worker wrote, and hand it to the followers.
	 * @param worker the worker's id
	 * @param error whether it came on standard error
	 * @param text the line, without its line break
	 */
	public void add(int worker, boolean error, String text) {
		Line line = new Line(this.sequence.incrementAndGet(), worker, error, text);
		synchronized (this.lines) {
			Deque<Line> kept = this.lines.computeIfAbsent(worker, (id) -> new ArrayDeque<>());
			kept.addLast(line);
			if (kept.size() > this.linesPerWorker) {
				kept.removeFirst();
			}
		}
		for (Follower follower : this.followers) {
			follower.offer(line);
		}
	}

	/**
	 * Note that a worker exited: its lines are kept until {@value #EXITED_KEPT} workers exited
	 * after it.
	 * @param worker the worker's id
	 */
	public void exited(int worker) {
		synchronized (this.lines) {
			if (!this.lines.containsKey(worker)) {
				return;
			}
			this.exited.addLast(worker);
			while (this.exited.size() > EXITED_KEPT) {
				this.lines.remove(this.exited.removeFirst());
			}
		}
	}

	/**
	 * Return whether any line of the worker is kept.
	 * @param worker the worker's id
	 * @return whether its output is known
	 */
	public boolean knows(int worker) {
		synchronized (this.lines) {
			return this.lines.containsKey(worker);
		}
	}

	/**
	 * Return the last lines of a worker, or the last lines of each worker, in the order they
	 * came: {@code logs -n 100} shows every worker's last 100, whichever wrote more lately.
	 * @param worker the worker's id, or {@code null} for every worker's
	 * @param count how many lines at most of each worker
	 * @return the lines
	 */
	public List<Line> recent(Integer worker, int count) {
		List<Line> found = new ArrayList<>();
		synchronized (this.lines) {
			for (Map.Entry<Integer, Deque<Line>> entry : this.lines.entrySet()) {
				if (worker == null || worker.equals(entry.getKey())) {
					Iterator<Line> newestFirst = entry.getValue().descendingIterator();
					for (int i = 0; i < count && newestFirst.hasNext(); i++) {
						found.add(newestFirst.next());
					}
				}
			}
		}
		found.sort(Comparator.comparingLong(Line::sequence));
		return found;
	}

	/**
	 * Start following new lines; close the follower when done.
	 * @param worker the worker's id, or {@code null} for every worker's
	 * @return the follower
	 */
	public Follower follow(Integer worker) {
		Follower follower = new Follower(worker);
		this.followers.add(follower);
		return follower;
	}

	/**
	 * One line of a worker's output.
	 * @param sequence its number, in the order the primary received the lines
	 * @param worker the worker's id
	 * @param error whether it came on standard error
	 * @param text the line, without its line break
	 */
	public record Line(long sequence, int worker, boolean error, String text) {
	}

	/**
	 * New lines for one reader, as they come.
	 */
	public final class Follower implements AutoCloseable {

		private final Integer worker;

		private final BlockingQueue<Line> queue = new ArrayBlockingQueue<>(FOLLOW_QUEUE);

		private final AtomicLong dropped = new AtomicLong();

		private Follower(Integer worker) {
			this.worker = worker;
		}

		private void offer(Line line) {
			if ((this.worker == null || this.worker == line.worker()) && !this.queue.offer(line)) {
				this.dropped.incrementAndGet();
			}
		}

		/**
		 * Wait for the next line.
		 * @param timeoutMillis how long to wait
		 * @return the line, or {@code null} if none came in time
		 * @throws InterruptedException if interrupted
		 */
		public Line next(long timeoutMillis) throws InterruptedException {
			return this.queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
		}

		/**
		 * Return how many lines were lost since the last call, because the queue was full.
		 * @return the lines lost
		 */
		public long takeDropped() {
			return this.dropped.getAndSet(0);
		}

		@Override
		public void close() {
			WorkerOutput.this.followers.remove(this);
		}

	}

}
