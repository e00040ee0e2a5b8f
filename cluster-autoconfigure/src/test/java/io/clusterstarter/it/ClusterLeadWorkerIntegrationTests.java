package io.clusterstarter.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.clusterstarter.it.ClusterProcess.Server;
import io.clusterstarter.it.apps.servlet.ServletTestApplication;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@code @Scheduled @OnOneWorker} job on a real cluster of two workers runs in exactly one of
 * them, also after the lead worker is killed and across a rolling restart: the runs of different
 * workers never overlap, and once the lead has moved on it never comes back.
 */
class ClusterLeadWorkerIntegrationTests {

	@Test
	void scheduledJobRunsInOneWorkerAcrossACrashAndARollingRestart() throws Exception {
		Path directory = Files.createTempDirectory("cluster-lead");
		Path runs = directory.resolve("runs.txt");
		ClusterEvents events = ClusterEvents.create();
		try (TemporaryDirectory removed = new TemporaryDirectory(directory); events;
				ClusterProcess cluster = ClusterProcess.start("lead", Server.TOMCAT, ServletTestApplication.class,
						List.of(),
						List.of("--cluster.workers=2", "--cluster-test.one-worker-file=" + runs, events.argument(),
								"--management.endpoints.web.exposure.include=cluster"),
						ClusterProcess.freePort())) {
			cluster.awaitListening(2, Duration.ofSeconds(120));
			int first = awaitRunsBy(runs, cluster, 5);
			assertThat(first).isEqualTo(lead(cluster));

			ClusterProcess.signal("KILL", cluster.listeningWorkers().get(first));
			int second = awaitRunsBy(runs, cluster, 5);
			assertThat(second).isNotEqualTo(first);

			cluster.signal("HUP");
			await().atMost(Duration.ofSeconds(240))
				.untilAsserted(() -> assertThat(events.brief()).anyMatch((line) -> line.startsWith("roll completed")));
			int third = awaitRunsBy(runs, cluster, 5);
			assertThat(third).isNotIn(first, second);

			List<long[]> all = read(runs);
			assertNeverTwoAtOnce(all);
			ClusterProcess.stopCleanly(cluster);
		}
	}

	/**
	 * Wait until the worker the primary names as lead has run the job a few times, and return
	 * its id.
	 */
	private static int awaitRunsBy(Path runs, ClusterProcess cluster, int count) {
		int[] lead = new int[1];
		await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
			lead[0] = lead(cluster);
			assertThat(lead[0]).isPositive();
			assertThat(read(runs).stream().filter((run) -> run[0] == lead[0]).count()).isGreaterThanOrEqualTo(count);
		});
		return lead[0];
	}

	/** The id of the one worker /actuator/cluster shows as lead, or 0 while none is. */
	private static int lead(ClusterProcess cluster) {
		List<Integer> leads = new ArrayList<>();
		try {
			for (JsonNode worker : cluster.cluster().get("workers")) {
				if (worker.path("lead").asBoolean()) {
					leads.add(worker.get("id").asInt());
				}
			}
		}
		catch (RuntimeException ex) {
			return 0; // the answering worker is on its way out
		}
		assertThat(leads).as("lead workers").hasSizeLessThanOrEqualTo(1);
		return leads.isEmpty() ? 0 : leads.get(0);
	}

	private static List<long[]> read(Path runs) throws IOException {
		if (!Files.exists(runs)) {
			return List.of();
		}
		List<long[]> all = new ArrayList<>();
		for (String line : Files.readAllLines(runs)) {
			String[] fields = line.split(" ");
			if (fields.length == 3) {
				all.add(new long[] { Long.parseLong(fields[0]), Long.parseLong(fields[1]), Long.parseLong(fields[2]) });
			}
		}
		return all;
	}

	/** Runs of different workers never overlap, and each worker's runs form one unbroken stretch. */
	private static void assertNeverTwoAtOnce(List<long[]> runs) {
		List<long[]> byStart = new ArrayList<>(runs);
		byStart.sort((a, b) -> Long.compare(a[1], b[1]));
		List<Long> order = new ArrayList<>();
		for (int i = 0; i < byStart.size(); i++) {
			long[] run = byStart.get(i);
			if (order.isEmpty() || order.get(order.size() - 1) != run[0]) {
				assertThat(order).as("workers that ran the job, in turn").doesNotContain(run[0]);
				order.add(run[0]);
			}
			if (i > 0 && byStart.get(i - 1)[0] != run[0]) {
				assertThat(run[1]).as("a run of worker " + run[0] + " started while worker " + byStart.get(i - 1)[0]
						+ " still ran").isGreaterThanOrEqualTo(byStart.get(i - 1)[2]);
			}
		}
		assertThat(order).hasSizeGreaterThanOrEqualTo(3);
	}

}
