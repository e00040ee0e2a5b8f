package io.clusterstarter.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.clusterstarter.it.ClusterProcess.Server;
import io.clusterstarter.it.apps.servlet.ServletTestApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Operations on a real cluster of Tomcat workers: rolling restarts started by SIGHUP (one aborted
 * by a replacement that cannot start, one that replaces every worker while a client keeps sending
 * requests) and by Actuator, then one worker restarted, killed and disconnected through Actuator,
 * then live scaling. The tests run in order on the same cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterOperationsIntegrationTests {

	private ClusterProcess cluster;

	private ClusterEvents events;

	private Path sabotage;

	private Map<Integer, Long> initial;

	@BeforeAll
	void startCluster() throws IOException {
		this.events = ClusterEvents.create();
		this.sabotage = Files.createTempDirectory("cluster-roll").resolve("fail-at-boot");
		this.cluster = ClusterProcess.start("rolling", Server.TOMCAT, ServletTestApplication.class, List.of(),
				List.of("--cluster.workers=2", this.events.argument(),
						"--cluster-test.fail-if-file=" + this.sabotage,
						"--management.endpoints.web.exposure.include=cluster",
						"--management.endpoint.cluster.access=unrestricted"),
				ClusterProcess.freePort());
		this.initial = this.cluster.awaitListening(2, Duration.ofSeconds(120));
	}

	@AfterAll
	void stopCluster() throws Exception {
		try (ClusterEvents events = this.events;
				TemporaryDirectory removed = new TemporaryDirectory(this.sabotage.getParent())) {
			ClusterProcess.stopCleanly(this.cluster);
		}
	}

	@Test
	@Order(1)
	void replacementThatCannotStartAbortsTheRollAndTheOldWorkersKeepServing() throws Exception {
		Files.createFile(this.sabotage);
		try {
			this.cluster.signal("HUP");
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(this.events.brief()).anyMatch((line) -> line.startsWith("roll aborted")));
			assertThat(this.events.brief()).containsSubsequence("roll started replaced=0", "fork 3",
					"exit 3 code=1 signal=none planned=false");
			assertThat(this.events.brief()).last()
				.asString()
				.startsWith("roll aborted replaced=0 reason=worker 3 (pid ")
				.endsWith(") exited with code 1 before it was ready");
			assertThat(this.cluster.log()).contains("Rolling restart aborted after 0 of 2 workers: worker 3 (pid ")
				.contains("exited with code 1 before it was ready; the workers not yet replaced keep serving");
			Thread.sleep(1500); // longer than the restart backoff: nothing replaces the failed replacement
			assertThat(this.events.brief()).noneMatch((line) -> line.equals("fork 4"));
			assertThat(this.cluster.listeningWorkers()).isEqualTo(this.initial);
		}
		finally {
			Files.deleteIfExists(this.sabotage);
		}
	}

	@Test
	@Order(2)
	void rollingRestartReplacesEveryWorkerWhileRequestsKeepSucceeding() throws Exception {
		LoadClient client = LoadClient.start(this.cluster.port());
		try (client) {
			this.cluster.signal("HUP");
			Thread.sleep(200);
			this.cluster.signal("HUP"); // a second request while one runs is refused, not queued
			await().atMost(Duration.ofSeconds(120))
				.untilAsserted(() -> assertThat(this.events.brief()).contains("roll completed replaced=2"));
		}
		Map<Integer, Long> now = this.cluster.listeningWorkers();
		assertThat(now).hasSize(2);
		assertThat(now.values()).doesNotContainAnyElementsOf(this.initial.values());
		assertThat(now.keySet()).allSatisfy((id) -> assertThat(id).isGreaterThan(3));
		// Each replacement took the slot of the worker it replaced
		assertThat(this.cluster.cluster().get("workers").valueStream().map((worker) -> worker.get("slot").asInt()))
			.containsExactlyInAnyOrder(0, 1);
		// The old worker is retired only once its replacement serves: the two overlap
		assertThat(this.events.brief()).containsSubsequence("roll started replaced=0", "fork 4", "listening 4",
				"disconnect 1",
				"exit 1 code=0 signal=none planned=true", "fork 5", "listening 5", "disconnect 2",
				"exit 2 code=0 signal=none planned=true", "roll completed replaced=2");
		assertThat(this.cluster.log()).contains("Ignored SIGHUP: A rolling restart is already running")
			.contains("Rolling restart completed: 2 workers replaced");
		assertThat(client.servedBy()).containsAll(this.initial.values()).containsAll(now.values());
		assertThat(client.succeeded()).isGreaterThan(50);
		client.assertNoneLost();
	}

	@Test
	@Order(3)
	void actuatorStartsARollingRestartAndRefusesASecondOne() throws Exception {
		Map<Integer, Long> before = this.cluster.listeningWorkers();
		int port = this.cluster.port();
		assertRefused(ClusterProcess.post(port, "/actuator/cluster", "{\"action\":\"explode\"}"), 400,
				"Unknown action 'explode'; it must be one of 'rolling-restart', 'scale'");
		assertRefused(ClusterProcess.post(port, "/actuator/cluster", "{}"), 400, "No 'action' given");
		ClusterProcess.Response started = ClusterProcess.post(port, "/actuator/cluster",
				"{\"action\":\"rolling-restart\"}");
		assertThat(started.status()).isEqualTo(200);
		assertThat(started.body()).isEqualTo("{\"action\":\"rolling-restart\",\"workers\":2}");
		ClusterProcess.Response again = ClusterProcess.post(port, "/actuator/cluster",
				"{\"action\":\"rolling-restart\"}");
		assertThat(again.status()).isEqualTo(409);
		assertThat(again.body()).contains("A rolling restart is already running");
		await().atMost(Duration.ofSeconds(120))
			.untilAsserted(() -> assertThat(this.events.brief()).filteredOn("roll completed replaced=2"::equals)
				.hasSize(2));
		assertThat(this.cluster.listeningWorkers().values()).hasSize(2).doesNotContainAnyElementsOf(before.values());
	}

	@Test
	@Order(4)
	void actuatorRestartsKillsAndDisconnectsOneWorker() throws Exception {
		int port = this.cluster.port();
		List<Integer> ids = List.copyOf(this.cluster.listeningWorkers().keySet());
		assertThat(ids).hasSize(2);
		int first = ids.get(0);
		int second = ids.get(1);
		int firstSlot = slotOf(first);
		assertRefused(ClusterProcess.post(port, "/actuator/cluster/999", "{\"action\":\"restart\"}"), 404,
				"No live worker has id 999");
		assertRefused(ClusterProcess.get(port, "/actuator/cluster/999"), 404, "No live worker has id 999");
		assertRefused(ClusterProcess.post(port, "/actuator/cluster/one", "{\"action\":\"restart\"}"), 400,
				"Worker id 'one' is not a number");
		assertRefused(ClusterProcess.get(port, "/actuator/cluster/one"), 400, "Worker id 'one' is not a number");
		assertRefused(ClusterProcess.post(port, "/actuator/cluster/" + first, "{\"action\":\"explode\"}"), 400,
				"Unknown action 'explode'; it must be one of 'restart', 'disconnect', 'kill'");
		assertRefused(ClusterProcess.post(port, "/actuator/cluster/" + first, "{}"), 400, "No 'action' given");

		ClusterProcess.Response restarted = ClusterProcess.post(port, "/actuator/cluster/" + first,
				"{\"action\":\"restart\"}");
		assertThat(restarted.status()).isEqualTo(200);
		assertThat(restarted.body()).isEqualTo("{\"action\":\"restart\",\"worker\":" + first + "}");
		ClusterProcess.Response refused = ClusterProcess.post(port, "/actuator/cluster/" + second,
				"{\"action\":\"restart\"}");
		assertThat(refused.status()).isEqualTo(409);
		assertThat(refused.body()).contains("worker " + first + " (pid").contains("is being replaced");
		await().atMost(Duration.ofSeconds(120))
			.untilAsserted(() -> assertThat(this.events.brief())
				.contains("exit " + first + " code=0 signal=none planned=true"));
		Map<Integer, Long> afterRestart = this.cluster.awaitListening(2, Duration.ofSeconds(30));
		int replacement = afterRestart.keySet().stream().filter((id) -> id != second).findFirst().orElseThrow();
		assertThat(replacement).isGreaterThan(second);
		assertThat(slotOf(replacement)).isEqualTo(firstSlot);
		// The replacement serves before the worker it replaces is told to leave
		assertThat(this.events.brief()).containsSubsequence("fork " + replacement, "listening " + replacement,
				"disconnect " + first, "exit " + first + " code=0 signal=none planned=true");

		assertThat(ClusterProcess.post(port, "/actuator/cluster/" + second, "{\"action\":\"kill\"}").status())
			.isEqualTo(200);
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(() -> assertThat(this.events.brief()).contains("exit " + second
					+ " code=143 signal=SIGTERM planned=false killed=was killed through the cluster endpoint"));
		// Killed, not disconnected: replaced as after a crash
		Map<Integer, Long> afterKill = this.cluster.awaitListening(2, Duration.ofSeconds(120));
		assertThat(afterKill).containsKey(replacement).doesNotContainKey(second);

		assertThat(ClusterProcess.post(port, "/actuator/cluster/" + replacement, "{\"action\":\"disconnect\"}")
			.status()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(60))
			.untilAsserted(
					() -> assertThat(this.events.brief()).contains("exit " + replacement + " code=0 signal=none planned=true"));
		Thread.sleep(1500); // longer than the restart backoff: a disconnected worker is not replaced
		assertThat(this.cluster.listeningWorkers()).hasSize(1).doesNotContainKey(replacement);
		assertThat(this.cluster.log()).contains("Disconnecting worker " + replacement + " (pid")
			.contains("as requested through the cluster endpoint");
	}

	@Test
	@Order(5)
	void actuatorScalesUpAndDownRetiringTheHighestSlots() throws Exception {
		int port = this.cluster.port();
		assertRefused(ClusterProcess.post(port, "/actuator/cluster", "{\"action\":\"scale\",\"workers\":0}"), 400,
				"Cannot scale to 0 workers: a cluster needs at least 1");
		assertRefused(ClusterProcess.post(port, "/actuator/cluster", "{\"action\":\"scale\"}"), 400,
				"Action 'scale' needs 'workers'");
		assertRefused(ClusterProcess.post(port, "/actuator/cluster", "{\"action\":\"scale\",\"workers\":\"many\"}"),
				400, "'workers' must be a whole number, not 'many'");
		ClusterProcess.Response up = ClusterProcess.post(port, "/actuator/cluster",
				"{\"action\":\"scale\",\"workers\":3}");
		assertThat(up.status()).isEqualTo(200);
		assertThat(up.body()).isEqualTo("{\"action\":\"scale\",\"workers\":3}");
		this.cluster.awaitListening(3, Duration.ofSeconds(120));
		assertThat(slots()).containsExactlyInAnyOrder(0, 1, 2);
		assertThat(this.cluster.cluster().get("primary").get("settings").get("workers").asInt()).isEqualTo(3);
		Map<Integer, Long> three = this.cluster.listeningWorkers();
		assertThat(ClusterProcess.post(port, "/actuator/cluster", "{\"action\":\"scale\",\"workers\":1}").status())
			.isEqualTo(200);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.cluster.listeningWorkers().size() == 1);
		Thread.sleep(1500); // longer than the restart backoff: retired workers are not replaced
		assertThat(slots()).containsExactly(0);
		int survivor = this.cluster.listeningWorkers().keySet().iterator().next();
		assertThat(three).containsKey(survivor);
		for (int id : three.keySet()) {
			if (id != survivor) {
				assertThat(this.events.brief()).contains("exit " + id + " code=0 signal=none planned=true");
			}
		}
		assertThat(this.cluster.log()).contains("Scaled the cluster from 2 to 3 workers",
				"Scaled the cluster from 3 to 1 worker");
	}

	private int slotOf(int id) {
		return this.cluster.cluster().get("workers").get(String.valueOf(id)).get("slot").asInt();
	}

	private List<Integer> slots() {
		return this.cluster.cluster()
			.get("workers")
			.valueStream()
			.map((worker) -> worker.get("slot").asInt())
			.toList();
	}




	/** A refusal carries its status and a reason a person can read, never a generic error body. */
	private static void assertRefused(ClusterProcess.Response response, int status, String reason) {
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		JsonNode body = ClusterProcess.json.readTree(response.body());
		assertThat(body.path("status").asInt()).isEqualTo(status);
		assertThat(body.path("reason").asString()).contains(reason);
	}

}
