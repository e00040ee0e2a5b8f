package io.clusterstarter.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.clusterstarter.ClusterSnapshot;

/**
 * The cluster's recent past for the dashboard's charts: each worker's proportional memory (PSS)
 * and requests per second, and the primary's resident memory, sampled {@value #POINTS} times
 * over {@code cluster.stats.history}. Bounded: a point is a few arrays of numbers, about 60 bytes
 * plus 24 per worker, and the oldest goes when a new one comes; a full history of 4 workers takes
 * 60 to 70 KB of heap, of 16 workers 155 KB ({@code benchmarks/history-memory.sh}).
 * Thread-safe.
 *
 * @author cluster-spring-boot-starter
 */
public final class ClusterHistory {

	/** Points kept over the history's span. */
	public static final int POINTS = 360;

	private final Duration interval;

	/** The points, oldest first, {@code next} the slot the next one goes in; guarded by this. */
	private final Point[] points = new Point[POINTS];

	private int next;

	private int size;

	/**
	 * Create an empty history.
	 * @param span how far back it reaches
	 * @param reportInterval how often workers report: a point more often would repeat the last
	 */
	public ClusterHistory(Duration span, Duration reportInterval) {
		Duration even = span.dividedBy(POINTS);
		this.interval = (even.compareTo(reportInterval) < 0) ? reportInterval : even;
	}

	/**
	 * Return how often a point is taken.
	 * @return the interval between points
	 */
	public Duration interval() {
		return this.interval;
	}

	/**
	 * Add a point: the figures of the snapshot's serving workers as they last reported them.
	 * Workers without a report yet, or with a stale one, have no figure in it.
	 * @param time when the snapshot was taken
	 * @param snapshot the cluster
	 */
	public void record(Instant time, ClusterSnapshot snapshot) {
		List<ClusterSnapshot.WorkerInfo> workers = snapshot.workers().values().stream()
			.filter((worker) -> worker.report() != null && !worker.report().stale())
			.toList();
		int count = workers.size();
		Point point = new Point(time.toEpochMilli(), new int[count], new int[count], new long[count], new float[count],
				(snapshot.primary() != null && snapshot.primary().rss() != null) ? snapshot.primary().rss() : -1);
		for (int i = 0; i < count; i++) {
			ClusterSnapshot.WorkerInfo worker = workers.get(i);
			ClusterSnapshot.Report report = worker.report();
			point.ids[i] = worker.id();
			point.slots[i] = worker.slot();
			point.pss[i] = (report.pss() != null) ? report.pss() : -1;
			point.perSecond[i] = (report.requests() != null && report.requests().perSecond() != null)
					? report.requests().perSecond().floatValue() : Float.NaN;
		}
		synchronized (this) {
			this.points[this.next] = point;
			this.next = (this.next + 1) % POINTS;
			this.size = Math.min(this.size + 1, POINTS);
		}
	}

	/**
	 * Return the history as series for charts: one time per point, and per worker one value per
	 * point ({@code null} where it had none: not yet forked, exited, or not reporting).
	 * @return the series
	 */
	public Series series() {
		Point[] ordered;
		synchronized (this) {
			ordered = new Point[this.size];
			for (int i = 0; i < this.size; i++) {
				ordered[i] = this.points[(this.next - this.size + i + POINTS) % POINTS];
			}
		}
		int length = ordered.length;
		List<Long> times = new ArrayList<>(length);
		List<Long> primary = new ArrayList<>(length);
		Map<Integer, WorkerSeries> workers = new TreeMap<>();
		for (int t = 0; t < length; t++) {
			Point point = ordered[t];
			times.add(point.time);
			primary.add((point.primaryRss >= 0) ? point.primaryRss : null);
			for (int i = 0; i < point.ids.length; i++) {
				int slot = point.slots[i];
				WorkerSeries series = workers.computeIfAbsent(point.ids[i], (id) -> new WorkerSeries(id, slot,
						Arrays.asList(new Long[length]), Arrays.asList(new Double[length])));
				series.pss().set(t, (point.pss[i] >= 0) ? point.pss[i] : null);
				series.perSecond().set(t, Float.isNaN(point.perSecond[i]) ? null : (double) point.perSecond[i]);
			}
		}
		return new Series(this.interval.toMillis(), times, primary, List.copyOf(workers.values()));
	}

	/**
	 * One sample of the cluster; arrays rather than objects per worker, to keep it small.
	 */
	private record Point(long time, int[] ids, int[] slots, long[] pss, float[] perSecond, long primaryRss) {
	}

	/**
	 * The history, ready to chart.
	 * @param interval milliseconds between points
	 * @param times each point's time, in milliseconds since the epoch, oldest first
	 * @param primaryRss the primary's resident memory in bytes at each point, or {@code null}
	 * @param workers one series per worker seen over the span, by id
	 */
	public record Series(long interval, List<Long> times, List<Long> primaryRss, List<WorkerSeries> workers) {
	}

	/**
	 * One worker's figures over the span.
	 * @param id the worker's id
	 * @param slot its slot
	 * @param pss its proportional memory in bytes at each point, or {@code null}
	 * @param perSecond the requests it served per second at each point, or {@code null}
	 */
	public record WorkerSeries(int id, int slot, List<Long> pss, List<Double> perSecond) {
	}

}
