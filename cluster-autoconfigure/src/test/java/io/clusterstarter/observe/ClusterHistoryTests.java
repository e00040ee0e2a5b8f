package io.clusterstarter.observe;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.clusterstarter.ClusterSnapshot;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterHistory}.
 */
class ClusterHistoryTests {

	private static final Instant START = Instant.parse("2026-12-05T12:00:00Z");

	@Test
	void spreadsItsPointsOverTheSpanButNeverMoreOftenThanReports() {
		assertThat(new ClusterHistory(Duration.ofHours(1), Duration.ofSeconds(5)).interval())
			.isEqualTo(Duration.ofSeconds(10));
		assertThat(new ClusterHistory(Duration.ofMinutes(1), Duration.ofSeconds(5)).interval())
			.isEqualTo(Duration.ofSeconds(5));
	}

	@Test
	void givesEachWorkerASeriesWithGapsWhereItHadNoFigure() {
		ClusterHistory history = new ClusterHistory(Duration.ofHours(1), Duration.ofSeconds(5));
		history.record(START, snapshot(worker(1, 0, 100L, 2.0), worker(2, 1, 200L, null)));
		// Worker 1 died; worker 3 replaced it, and its first report is stale
		history.record(START.plusSeconds(10), snapshot(worker(2, 1, 210L, 4.0), stale(3, 0)));
		history.record(START.plusSeconds(20), snapshot(worker(2, 1, 220L, 5.0), worker(3, 0, 90L, 1.0)));
		ClusterHistory.Series series = history.series();
		assertThat(series.interval()).isEqualTo(10_000);
		assertThat(series.times()).containsExactly(START.toEpochMilli(), START.toEpochMilli() + 10_000,
				START.toEpochMilli() + 20_000);
		assertThat(series.primaryRss()).containsExactly(50L, 50L, 50L);
		assertThat(series.workers()).extracting(ClusterHistory.WorkerSeries::id).containsExactly(1, 2, 3);
		ClusterHistory.WorkerSeries first = series.workers().get(0);
		assertThat(first.pss()).containsExactly(100L, null, null);
		assertThat(first.perSecond()).containsExactly(2.0, null, null);
		assertThat(series.workers().get(1).perSecond()).containsExactly(null, 4.0, 5.0);
		ClusterHistory.WorkerSeries third = series.workers().get(2);
		assertThat(third.slot()).isZero();
		assertThat(third.pss()).containsExactly(null, null, 90L);
	}

	@Test
	void keepsOnlyItsLastPoints() {
		ClusterHistory history = new ClusterHistory(Duration.ofHours(1), Duration.ofSeconds(5));
		for (int i = 0; i < ClusterHistory.POINTS + 5; i++) {
			history.record(START.plusSeconds(10L * i), snapshot(worker(1, 0, (long) i, 1.0)));
		}
		ClusterHistory.Series series = history.series();
		assertThat(series.times()).hasSize(ClusterHistory.POINTS).first().isEqualTo(START.plusSeconds(50).toEpochMilli());
		assertThat(series.workers().get(0).pss()).first().isEqualTo(5L);
		assertThat(series.workers().get(0).pss()).last().isEqualTo((long) ClusterHistory.POINTS + 4);
	}

	private static ClusterSnapshot snapshot(ClusterSnapshot.WorkerInfo... workers) {
		Map<String, ClusterSnapshot.WorkerInfo> map = new LinkedHashMap<>();
		Arrays.stream(workers).forEach((worker) -> map.put(String.valueOf(worker.id()), worker));
		ClusterSnapshot.Primary primary = new ClusterSnapshot.Primary(1, null, null, 8080, "shared-queue", null, null,
				null, null, 50L, null, null, null, null, null);
		return new ClusterSnapshot(primary, map);
	}

	private static ClusterSnapshot.WorkerInfo worker(int id, int slot, Long pss, Double perSecond) {
		return info(id, slot, new ClusterSnapshot.Report("t", "PT1S", false, null, null, null, null,
				new ClusterSnapshot.Requests(10, 0, perSecond), 1000L, pss));
	}

	private static ClusterSnapshot.WorkerInfo stale(int id, int slot) {
		return info(id, slot, new ClusterSnapshot.Report("t", "PT30S", true, null, null, null, null, null, null, null));
	}

	private static ClusterSnapshot.WorkerInfo info(int id, int slot, ClusterSnapshot.Report report) {
		return new ClusterSnapshot.WorkerInfo(id, slot, 1000 + id, "listening", true, false, null, null, false, null,
				null, null, null, 0, report, null, null);
	}

}
