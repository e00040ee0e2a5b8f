package io.clusterstarter.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.clusterstarter.ipc.TestSockets;
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
 * One real cluster on Tomcat, started as a user starts it ({@code java -cp … Main}), driven
 * through its life: start-up, spread, what workers inherit, messages, the API, events, a crash and
 * hostile IPC traffic. The tests run in order on the same cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TomcatClusterIntegrationTests {

	private static final String LONG_VALUE = "x".repeat(9000);

	private ClusterProcess cluster;

	private ClusterEvents events;

	private Map<Integer, Long> initial;

	@BeforeAll
	void startCluster() throws IOException {
		this.events = ClusterEvents.create();
		this.cluster = ClusterProcess.start("tomcat", Server.TOMCAT, ServletTestApplication.class,
				List.of("-Dcluster-test.primary-option=from-primary", "-Dcluster-test.long=" + LONG_VALUE),
				List.of("--cluster.workers=2", "--cluster.exec-argv=-Dcluster-test.exec-argv=from-settings",
						"--cluster.env[CLUSTER_TEST_ENV]=from-settings",
						"--management.endpoints.web.exposure.include=health,cluster",
						"--cluster-test.early-messages=true", "--cluster.worker=3", this.events.argument()),
				ClusterProcess.freePort());
		this.initial = this.cluster.awaitListening(2, Duration.ofSeconds(120));
	}

	@AfterAll
	void stopCluster() throws Exception {
		try (ClusterEvents events = this.events) {
			ClusterProcess.stopCleanly(this.cluster);
		}
	}

	@Test
	@Order(1)
	void primaryForksWorkersThatAloneListenOnThePort() {
		Set<Long> children = this.cluster.children().stream().map(ProcessHandle::pid).collect(Collectors.toSet());
		assertThat(this.initial.keySet()).containsExactlyInAnyOrder(1, 2);
		assertThat(children).containsExactlyInAnyOrderElementsOf(this.initial.values());
		assertThat(this.cluster.cluster().get("primary").get("pid").asLong()).isEqualTo(this.cluster.pid());
		assertThat(Listeners.on(this.cluster.port())).containsExactlyInAnyOrderElementsOf(this.initial.values())
			.doesNotContain(this.cluster.pid());
		assertThat(this.cluster.log()).contains("Cluster up: 2 workers listening on port " + this.cluster.port());
		// A misspelt key is ignored, but not silently
		assertThat(this.cluster.log()).containsOnlyOnce("Unknown property 'cluster.worker'")
			.contains("did you mean 'cluster.workers'?");
	}

	@Test
	@Order(2)
	void newConnectionsAreSpreadOverTheWorkers() {
		Map<Long, Integer> counts = new HashMap<>();
		for (int i = 0; i < 200; i++) {
			counts.merge(this.cluster.getJson("/").get("pid").asLong(), 1, Integer::sum);
		}
		assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(this.initial.values());
		assertThat(counts.values()).allSatisfy((count) -> assertThat(count).isGreaterThanOrEqualTo(50));
	}

	@Test
	@Order(3)
	void workersInheritOptionsArgumentsAndEnvironment() {
		int expectedProcessors = Math.max(1, (Runtime.getRuntime().availableProcessors() + 1) / 2);
		for (long pid : this.initial.values()) {
			assertThat(value(pid, "/prop?name=cluster-test.primary-option")).isEqualTo("from-primary");
			assertThat(value(pid, "/prop?name=cluster-test.exec-argv")).isEqualTo("from-settings");
			assertThat(value(pid, "/env?name=CLUSTER_TEST_ENV")).isEqualTo("from-settings");
			// Over 8 KB of options: the command went through an @argfile intact
			assertThat(this.cluster.getJsonFrom(pid, "/prop?name=cluster-test.long").get("length").asInt())
				.isEqualTo(LONG_VALUE.length());
			assertThat(this.cluster.getJsonFrom(pid, "/").get("processors").asInt()).isEqualTo(expectedProcessors);
		}
	}

	@Test
	@Order(4)
	void messagesTravelFromWorkerToPrimaryAndBack() throws IOException {
		JsonNode answer = this.cluster.getJson("/echo?text=hello");
		assertThat(answer.get("reply").asString()).isEqualTo("primary says hello");
		assertThat(this.events.lines()).contains("message " + answer.get("worker").asInt() + " {\"echo\":\"hello\"}");
	}

	/**
	 * The primary sends to each worker on its fork event (before it is connected) and on its
	 * online event (before its context exists); the worker sends one from a bean's constructor.
	 * All arrive, in order, and every send said true.
	 */
	@Test
	@Order(4)
	void messagesSentEarlyArriveInOrderInBothDirections() throws IOException {
		for (int id : this.initial.keySet()) {
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(this.events.lines()).contains("message " + id + " {\"received\":\"online-2\"}"));
			assertThat(this.events.lines()).contains("sent " + id + " on-fork true", "sent " + id + " online-1 true",
					"sent " + id + " online-2 true")
				.contains("message " + id + " {\"early\":\"from the constructor\"}")
				.containsSubsequence("message " + id + " {\"received\":\"on-fork\"}",
						"message " + id + " {\"received\":\"online-1\"}",
						"message " + id + " {\"received\":\"online-2\"}");
		}
		assertThat(this.cluster.log()).doesNotContain("Dropped a message");
	}

	@Test
	@Order(5)
	void eachWorkerReportsForkThenOnlineThenListening() throws IOException {
		List<String> lines = this.events.lines();
		assertThat(lines.get(0)).startsWith("setup execArgv=[-Dcluster-test.exec-argv=from-settings]");
		for (int id : List.of(1, 2)) {
			assertThat(lines).containsSubsequence("fork " + id, "online " + id,
					"listening " + id + " port=" + this.cluster.port() + " namespace=null");
		}
	}

	@Test
	@Order(6)
	void forkWithEnvironmentReachesOnlyTheNewWorker() throws IOException {
		this.cluster.getJson("/primary/fork?env=CLUSTER_TEST_FORK=yes");
		Map<Integer, Long> workers = this.cluster.awaitListening(3, Duration.ofSeconds(90));
		assertThat(workers).containsKey(3);
		assertThat(value(workers.get(3), "/env?name=CLUSTER_TEST_FORK")).isEqualTo("yes");
		assertThat(this.cluster.getJsonFrom(workers.get(3), "/").get("slot").asInt()).isEqualTo(2);
		assertThat(value(workers.get(1), "/env?name=CLUSTER_TEST_FORK")).isNull();
	}

	@Test
	@Order(7)
	void setupPrimaryAffectsOnlyLaterForks() throws IOException {
		this.cluster.getJson("/primary/setup?execArgv=-Dcluster-test.setup=later");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.events.lines()).contains("setup execArgv=[-Dcluster-test.setup=later]"));
		this.cluster.getJson("/primary/fork?env=CLUSTER_TEST_FORK=again");
		Map<Integer, Long> workers = this.cluster.awaitListening(4, Duration.ofSeconds(90));
		assertThat(value(workers.get(4), "/prop?name=cluster-test.setup")).isEqualTo("later");
		for (int id : List.of(1, 2, 3)) {
			assertThat(value(workers.get(id), "/prop?name=cluster-test.setup")).isNull();
		}
	}

	@Test
	@Order(8)
	void crashedWorkerIsReplacedInItsSlot() throws Exception {
		long victim = this.initial.get(1);
		ClusterProcess.signal("KILL", victim);
		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
			Map<Integer, Long> now = this.cluster.listeningWorkers();
			return now.size() == 4 && !now.containsValue(victim);
		});
		JsonNode workers = this.cluster.cluster().get("workers");
		assertThat(workers.has("1")).isFalse();
		assertThat(workers.get("5").get("slot").asInt()).isZero();
		assertThat(this.events.lines()).containsSubsequence("disconnect 1", "exit 1 code=137 signal=SIGKILL planned=false",
				"fork 5", "online 5", "listening 5 port=" + this.cluster.port() + " namespace=null");
		assertThat(this.cluster.log()).contains("worker 1 (pid " + victim + ") exited unexpectedly with code 137");
	}

	@Test
	@Order(9)
	void failingPrimaryListenerIsLoggedAndHarmsNothing() {
		this.cluster.getJson("/primary/throw");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.cluster.log()).contains("A listener failed on WorkerMessageEvent")
				.contains("A primary-side listener failed on purpose"));
		assertThat(this.cluster.getJson("/echo?text=still").get("reply").asString()).isEqualTo("primary says still");
		assertThat(this.cluster.listeningWorkers()).hasSize(4);
	}

	@Test
	@Order(10)
	void hostileIpcTrafficIsDroppedAndLoggedWithoutHarm() throws Exception {
		long worker = this.cluster.listeningWorkers().values().iterator().next();
		Path socket = Path.of(ClusterProcess.environmentOf(worker).get("CLUSTERSTARTER_IPC_SOCKET"));
		assertThat(Files.getPosixFilePermissions(socket.getParent()))
			.containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
					java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
					java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
		assertThat(TestSockets.closedByPeerAfter(socket, "this is not json\n")).isTrue();
		assertThat(TestSockets.closedByPeerAfter(socket, "{\"type\":\"hello\",\"id\":2,\"token\":\"guessed\"}\n")).isTrue();
		assertThat(TestSockets.closedByPeerAfter(socket, "{\"type\":\"ready\"}\n")).isTrue();
		assertThat(TestSockets.closedByPeerAfter(socket, "{\"type\":\"hello\",\"token\":\"" + "A".repeat(2 * 1024 * 1024) + "\n"))
			.isTrue();
		assertThat(this.cluster.process().isAlive()).isTrue();
		assertThat(this.cluster.listeningWorkers()).hasSize(4);
		assertThat(this.cluster.log()).contains("Closed an unauthenticated IPC connection (worker id 2 with a wrong token)")
			.contains("Closed an IPC connection that did not open with a hello")
			.contains("Closed an unauthenticated IPC connection (Ready before hello)")
			.contains("Closed an IPC connection whose first line was missing or too long");
	}

	@Test
	@Order(11)
	void workerThatDisconnectsItselfLeavesGracefullyAndIsNotReplaced() throws Exception {
		long leaver = this.cluster.listeningWorkers().get(3);
		this.cluster.getJsonFrom(leaver, "/leave?id=3");
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.events.lines()).containsSubsequence("disconnect 3",
					"exit 3 code=0 signal=none planned=true"));
		Thread.sleep(2000); // longer than the restart backoff: a replacement would have been forked
		assertThat(this.cluster.listeningWorkers()).containsOnlyKeys(2, 4, 5);
		assertThat(this.events.lines()).noneMatch((line) -> line.equals("fork 6"));
	}

	@Test
	@Order(12)
	void workerDisconnectedByThePrimaryIsNotReplaced() throws Exception {
		this.cluster.getJson("/primary/disconnect?id=4");
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(this.events.lines()).containsSubsequence("disconnect 4",
					"exit 4 code=0 signal=none planned=true"));
		Thread.sleep(2000);
		assertThat(this.cluster.listeningWorkers()).containsOnlyKeys(2, 5);
		assertThat(this.events.lines()).noneMatch((line) -> line.equals("fork 6"));
	}

	@Test
	@Order(13)
	void endpointAnswersPerWorkerAndSaysWhenThePrimaryIsUnreachable() throws Exception {
		int port = this.cluster.port();
		JsonNode worker = ClusterProcess.json.readTree(ClusterProcess.get(port, "/actuator/cluster/2").body());
		assertThat(worker.get("id").asInt()).isEqualTo(2);
		assertThat(worker.get("state").asString()).isEqualTo("listening");
		assertThat(ClusterProcess.get(port, "/actuator/cluster/99").status()).isEqualTo(404);
		assertThat(ClusterProcess.get(port, "/actuator/cluster/abc").status()).isEqualTo(400);
		this.cluster.signal("STOP");
		try {
			long start = System.nanoTime();
			ClusterProcess.Response response = ClusterProcess.get(port, "/actuator/cluster");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
			assertThat(response.status()).isEqualTo(503);
			assertThat(response.body()).contains("The primary did not answer within 5000 ms");
			assertThat(ClusterProcess.get(port, "/").status()).isEqualTo(200);
		}
		finally {
			this.cluster.signal("CONT");
		}
		assertThat(ClusterProcess.get(port, "/actuator/cluster").status()).isEqualTo(200);
	}

	private String value(long pid, String path) {
		JsonNode value = this.cluster.getJsonFrom(pid, path).get("value");
		return value.isNull() ? null : value.asString();
	}


}
