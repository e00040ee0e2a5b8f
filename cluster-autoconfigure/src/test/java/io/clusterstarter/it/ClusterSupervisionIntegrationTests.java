package io.clusterstarter.it;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.clusterstarter.it.ClusterProcess.Server;
import io.clusterstarter.it.apps.servlet.ServletTestApplication;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The primary supervises its workers: a hung worker (no heartbeats) or one that does not start in
 * time gets a thread dump, is killed and replaced; a slot whose workers keep failing backs off,
 * then is marked failed and left alone.
 */
class ClusterSupervisionIntegrationTests {

	private static final Pattern BACKOFF = Pattern.compile("replacing it in slot 1 in (\\d+) ms");

	@Test
	void workerThatStopsSendingHeartbeatsIsKilledAndReplaced() throws Exception {
		ClusterEvents events = ClusterEvents.create();
		try (events; ClusterProcess cluster = start("hung", events, "--cluster.heartbeat.interval=200ms",
				"--cluster.heartbeat.timeout=2s")) {
			Map<Integer, Long> workers = cluster.awaitListening(2, Duration.ofSeconds(120));
			long frozen = workers.get(1);
			long start = System.nanoTime();
			ClusterProcess.signal("STOP", frozen);
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
				Map<Integer, Long> now = cluster.listeningWorkers();
				return now.size() == 2 && !now.containsKey(1);
			});
			assertThat(cluster.log()).contains("worker 1 (pid " + frozen + ") sent no heartbeat for 2 s; writing a "
					+ "thread dump to its output and killing it");
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(events.lines())
					.contains("exit 1 code=137 signal=SIGKILL planned=false killed=sent no heartbeat for 2 s"));
			// Found within the timeout plus the check interval and the dump grace, not much later
			assertThat(ProcessHandle.of(frozen)).isEmpty();
			assertThat(cluster.cluster().get("workers").get("3").get("slot").asInt()).isZero();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
			assertThat(cluster.stop(Duration.ofSeconds(45))).isZero();
		}
	}

	/**
	 * Only the hanging worker runs: a healthy one could itself take longer than a start-up
	 * timeout short enough for a test on a loaded machine. One hang is enough: its slot is then
	 * given up, which shows the exit was counted as a failure; the heartbeat test shows a
	 * replacement.
	 */
	@Test
	void workerThatDoesNotStartInTimeIsDumpedAndKilled() throws Exception {
		ClusterEvents events = ClusterEvents.create();
		try (events;
				ClusterProcess cluster = ClusterProcess.start("slow-boot", Server.TOMCAT, ServletTestApplication.class,
						List.of(),
						List.of("--cluster.workers=1", events.argument(), "--cluster-test.hang-in-slot=0",
								"--cluster.startup-timeout=20s", "--cluster.restart.max-failures=1"),
						ClusterProcess.freePort())) {
			await().atMost(Duration.ofSeconds(120))
				.untilAsserted(() -> assertThat(cluster.log()).contains("Slot 0 failed"));
			String log = cluster.log();
			assertThat(log).contains("worker 1 (pid ", ") did not listen within 20 s of its fork; writing a thread dump")
				.contains("Slot 0 failed: its workers exited unexpectedly 1 time within 300 s");
			// The dump went to the worker's output: it shows where the worker was stuck
			assertThat(log).contains("[worker 1] Full thread dump").containsPattern("\\[worker 1\\].*BootSabotage");
			assertThat(events.lines())
				.contains("exit 1 code=137 signal=SIGKILL planned=false killed=did not listen within 20 s of its fork");
			assertThat(events.brief()).doesNotContain("fork 2");
			assertThat(cluster.stop(Duration.ofSeconds(45))).isZero();
		}
	}

	/**
	 * A worker that never acts on the disconnect that retires it (frozen here, as one whose IPC
	 * thread has died would be) is killed after the shutdown timeout: the rolling restart ends
	 * instead of waiting for ever.
	 */
	@Test
	void workerThatDoesNotExitAfterItsDisconnectIsKilledAndTheRollEnds() throws Exception {
		ClusterEvents events = ClusterEvents.create();
		try (events;
				ClusterProcess cluster = ClusterProcess.start("stuck-retire", Server.TOMCAT, ServletTestApplication.class,
						List.of(), List.of("--cluster.workers=1", events.argument(), "--cluster.shutdown-timeout=5s",
								"--cluster.heartbeat.timeout=10m", "--management.endpoints.web.exposure.include=cluster"),
						ClusterProcess.freePort())) {
			long frozen = cluster.awaitListening(1, Duration.ofSeconds(120)).get(1);
			ClusterProcess.signal("STOP", frozen);
			cluster.signal("HUP");
			await().atMost(Duration.ofSeconds(180))
				.untilAsserted(() -> assertThat(cluster.log()).contains("Rolling restart completed: 1 worker replaced"));
			assertThat(cluster.log()).contains("worker 1 (pid " + frozen + ") did not exit within 5 s of its disconnect; "
					+ "writing a thread dump to its output and killing it");
			assertThat(events.lines()).contains(
					"exit 1 code=137 signal=SIGKILL planned=true killed=did not exit within 5 s of its disconnect");
			assertThat(ProcessHandle.of(frozen)).isEmpty();
			assertThat(cluster.listeningWorkers()).containsOnlyKeys(2);
			assertThat(cluster.stop(Duration.ofSeconds(45))).isZero();
		}
	}

	@Test
	void slotWhoseWorkersFailAtBootBacksOffThenIsMarkedFailed() throws Exception {
		ClusterEvents events = ClusterEvents.create();
		try (events; ClusterProcess cluster = start("crash-loop", events, "--cluster-test.fail-in-slot=1",
				"--cluster.restart.initial-backoff=200ms", "--cluster.restart.multiplier=2",
				"--cluster.restart.max-failures=4", "--management.endpoint.health.show-details=always")) {
			await().atMost(Duration.ofSeconds(180))
				.untilAsserted(() -> assertThat(cluster.log()).contains("Slot 1 failed: its workers exited unexpectedly "
						+ "4 times within 300 s (last worker "));
			List<Integer> delays = new ArrayList<>();
			Matcher matcher = BACKOFF.matcher(cluster.log());
			while (matcher.find()) {
				delays.add(Integer.parseInt(matcher.group(1)));
			}
			assertThat(delays).containsExactly(200, 400, 800);
			List<String> forks = forks(events);
			Thread.sleep(2000); // a spinning primary would fork again by now
			assertThat(forks(events)).isEqualTo(forks);
			assertThat(cluster.log()).containsOnlyOnce("Slot 1 failed");
			Map<Integer, Long> serving = cluster.listeningWorkers();
			assertThat(serving).containsOnlyKeys(1);
			JsonNode view = cluster.cluster();
			assertThat(view.get("primary").get("failedSlots").get(0).asInt()).isEqualTo(1);
			JsonNode health = ClusterProcess.json
				.readTree(ClusterProcess.get(cluster.port(), "/actuator/health").body());
			assertThat(health.get("status").asString()).isEqualTo("DEGRADED");
			assertThat(health.get("components").get("cluster").get("details").get("failedSlots").get(0).asInt())
				.isEqualTo(1);
			assertThat(cluster.getJson("/").get("pid").asLong()).isEqualTo(serving.get(1));
			assertThat(cluster.stop(Duration.ofSeconds(45))).isZero();
		}
	}

	private static ClusterProcess start(String name, ClusterEvents events, String... args) throws IOException {
		List<String> all = new ArrayList<>(List.of("--cluster.workers=2", events.argument(),
				"--management.endpoints.web.exposure.include=health,cluster"));
		all.addAll(List.of(args));
		return ClusterProcess.start(name, Server.TOMCAT, ServletTestApplication.class, List.of(), all,
				ClusterProcess.freePort());
	}

	private static List<String> forks(ClusterEvents events) throws IOException {
		return events.lines().stream().filter((line) -> line.startsWith("fork ")).toList();
	}

}
