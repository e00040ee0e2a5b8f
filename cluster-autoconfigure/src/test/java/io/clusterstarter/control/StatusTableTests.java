package io.clusterstarter.control;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.clusterstarter.ClusterSnapshot;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StatusTable}.
 */
class StatusTableTests {

	@Test
	void rendersThePrimaryLineAndAnAlignedRowPerWorker() {
		ClusterSnapshot.Release release = new ClusterSnapshot.Release("1.4.2", "app.jar", null, null);
		ClusterSnapshot.Report report = new ClusterSnapshot.Report("2026-12-01T10:00:00Z", "PT0.4S", false,
				new ClusterSnapshot.Heap(84L << 20, 128L << 20, 512L << 20, null), 0.125, 40, "PT0.1S",
				new ClusterSnapshot.Requests(1200, 3, 35.25), 190L << 20, 120L << 20);
		Map<String, ClusterSnapshot.WorkerInfo> workers = new LinkedHashMap<>();
		workers.put("3", new ClusterSnapshot.WorkerInfo(3, 0, 4101, "listening", true, true, "2026-12-01T09:55:00Z",
				"PT5M2S", false, null, true, "PT8S", release, 2, report, null, null));
		workers.put("12", new ClusterSnapshot.WorkerInfo(12, 1, 4188, "warming", false, false, "2026-12-01T10:00:00Z",
				"PT3.5S", false, null, null, null, release, 0, null, null,
				new ClusterSnapshot.Warmup(ClusterSnapshot.Warmup.RUNNING, 840, 0, 0.42, 1800)));
		ClusterSnapshot.Settings settings = new ClusterSnapshot.Settings(2, null, null, null, false, true, "none", "PT30S",
				null, "PT5S", 1, 2, null, null);
		ClusterSnapshot snapshot = new ClusterSnapshot(new ClusterSnapshot.Primary(4100, "2026-12-01T09:00:00Z",
				"PT1H2M", 8080, "reuse-port", settings, new ClusterSnapshot.Counters(4, 2, 2, 0, 0), List.of(), null,
				96L << 20, release, null, null, null, null), workers);
		assertThat(StatusTable.render("shop-8080", snapshot)).isEqualTo("""
				cluster shop-8080   primary pid 4100   up 1h 02m   rss 96 MB   release 1.4.2   port 8080 (reuse-port)   1/2 workers serving
				ID  SLOT   PID  STATE             VERSION  UPTIME  RESTARTS   HEAP     RSS    CPU  REQ/S  REPORT
				 3     0  4101  listening (lead)  1.4.2    5m 02s         2  84 MB  190 MB  12.5%   35.3  0.4s ago
				12     1  4188  warming 42%       1.4.2    3.5s           0      -       -      -      -  -""");
	}

	@Test
	void twoBuildsWithOneVersionAreToldApartByTheirHash() {
		ClusterSnapshot.Release first = new ClusterSnapshot.Release("1.4.2", "app.jar", "9f2c41d07be35a11aa", null);
		ClusterSnapshot.Release rebuilt = new ClusterSnapshot.Release("1.4.2", "app.jar", "03bd77e1c2aa9f00bb", null);
		Map<String, ClusterSnapshot.WorkerInfo> workers = new LinkedHashMap<>();
		workers.put("3", new ClusterSnapshot.WorkerInfo(3, 0, 4101, "listening", true, true, "2026-12-01T09:55:00Z",
				"PT5M2S", false, null, null, null, first, 0, null, null, null));
		workers.put("4", new ClusterSnapshot.WorkerInfo(4, 1, 4102, "listening", true, false, "2026-12-01T09:55:00Z",
				"PT5M2S", false, null, null, null, rebuilt, 0, null, null, null));
		ClusterSnapshot snapshot = new ClusterSnapshot(new ClusterSnapshot.Primary(4100, "2026-12-01T09:00:00Z",
				"PT1H2M", 8080, "reuse-port", null, new ClusterSnapshot.Counters(4, 2, 2, 0, 0), List.of(), null, null,
				rebuilt, first, null, null, null), workers);
		String table = StatusTable.render("shop-8080", snapshot);
		assertThat(table).contains("release 1.4.2 (sha 03bd77e1)", "1.4.2 (sha 9f2c41d0)");
		// One build per version: the version alone
		assertThat(StatusTable.versions(snapshot).apply(new ClusterSnapshot.Release("2.0.0", "b.jar", "aa", null)))
			.isEqualTo("2.0.0");
	}

	@Test
	void primaryThatAnUpgradeStartedSaysWhatItRunsSinceWhenAndWhereFrom() {
		ClusterSnapshot snapshot = new ClusterSnapshot(new ClusterSnapshot.Primary(4200, "2026-12-01T09:00:00Z",
				"PT1M", 8080, "shared-queue", null, new ClusterSnapshot.Counters(2, 0, 0, 0, 0), List.of(), null, null,
				null, null, null, null, new ClusterSnapshot.PrimaryRelease("2.0.0", "/srv/app/current.jar", "0.2.0", 4100L)),
				new LinkedHashMap<>());
		assertThat(StatusTable.render("shop-8080", snapshot).lines().toList()).element(1)
			.isEqualTo("primary runs 2.0.0 (starter 0.2.0), started 2026-12-01T09:00:00Z, upgraded from pid 4100");
	}

	@Test
	void durationsAndSizesReadAsAPersonWritesThem() {
		assertThat(StatusTable.duration("PT0.42S")).isEqualTo("0.4s");
		assertThat(StatusTable.duration("PT42S")).isEqualTo("42s");
		assertThat(StatusTable.duration("PT61S")).isEqualTo("1m 01s");
		assertThat(StatusTable.duration("PT26H")).isEqualTo("1d 02h");
		assertThat(StatusTable.duration(null)).isEqualTo("-");
		assertThat(StatusTable.bytes(5L << 30)).isEqualTo("5.0 GB");
	}

}
