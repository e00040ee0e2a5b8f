package io.clusterstarter.it;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.clusterstarter.it.ClusterProcess.Response;
import io.clusterstarter.it.ClusterProcess.Server;
import io.clusterstarter.it.apps.servlet.ServletTestApplication;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How a real cluster stops: gracefully on SIGTERM, at once when the primary is killed, and once
 * when Ctrl-C reaches the primary and its workers together.
 */
class ClusterShutdownIntegrationTests {

	@Test
	void sigtermLetsInFlightRequestsCompleteThenExitsCleanly() throws Exception {
		ClusterEvents events = ClusterEvents.create();
		try (events; ClusterProcess cluster = start("sigterm", events.argument())) {
			Map<Integer, Long> workers = cluster.awaitListening(2, Duration.ofSeconds(120));
			Path ipcDirectory = Path.of(ipcSocket(workers)).getParent();
			CompletableFuture<Response> slow = CompletableFuture.supplyAsync(() -> ClusterProcess.get(cluster.port(),
					"/slow?ms=3000"));
			Thread.sleep(1000);
			cluster.signal("TERM");
			Response response = slow.get(30, TimeUnit.SECONDS);
			assertThat(response.status()).isEqualTo(200);
			assertThat(cluster.awaitExit(Duration.ofSeconds(45))).isZero();
			assertThat(workers.values()).allSatisfy((pid) -> assertThat(ProcessHandle.of(pid)).isEmpty());
			assertThat(Listeners.on(cluster.port())).isEmpty();
			assertThat(ipcDirectory).doesNotExist();
			List<String> lines = events.lines();
			for (int id : workers.keySet()) {
				assertThat(lines).containsSubsequence("listening " + id + " port=" + cluster.port() + " namespace=null",
						"disconnect " + id, "exit " + id + " code=0 signal=none planned=true");
			}
			assertThat(lines).noneMatch((line) -> line.startsWith("fork 3"));
		}
	}

	@Test
	void workersFollowAPrimaryKilledWithSigkill() throws Exception {
		try (ClusterProcess cluster = start("sigkill")) {
			Map<Integer, Long> workers = cluster.awaitListening(2, Duration.ofSeconds(120));
			Path ipcDirectory = Path.of(ipcSocket(workers)).getParent();
			cluster.signal("KILL");
			cluster.awaitExit(Duration.ofSeconds(10));
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(workers.values()).allSatisfy((pid) -> assertThat(
						ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse()));
			assertThat(Listeners.on(cluster.port())).isEmpty();
			// The primary could not clean up after itself; its workers did
			assertThat(ipcDirectory).doesNotExist();
		}
	}

	@Test
	void ctrlCToTheWholeProcessGroupStopsTheClusterOnceWithoutRestarts() throws Exception {
		ClusterEvents events = ClusterEvents.create();
		try (events; ClusterProcess cluster = start("sigint", events.argument())) {
			Map<Integer, Long> workers = cluster.awaitListening(2, Duration.ofSeconds(120));
			long[] group = { cluster.pid(), workers.get(1), workers.get(2) };
			ClusterProcess.signal("INT", group);
			assertThat(cluster.awaitExit(Duration.ofSeconds(45))).isZero();
			assertThat(workers.values()).allSatisfy((pid) -> assertThat(ProcessHandle.of(pid)).isEmpty());
			assertThat(events.lines()).filteredOn((line) -> line.startsWith("fork ")).hasSize(2);
			// A normal stop, not a crash: every exit is planned, whichever signal ended the worker
			assertThat(events.lines()).filteredOn((line) -> line.startsWith("exit "))
				.hasSize(2)
				.allSatisfy((line) -> assertThat(line).endsWith(" planned=true"));
			assertThat(cluster.log()).containsOnlyOnce("Received SIGINT; shutting down the cluster")
				.doesNotContain("replacing it");
		}
	}

	private static String ipcSocket(Map<Integer, Long> workers) {
		return ClusterProcess.environmentOf(workers.get(1)).get("CLUSTERSTARTER_IPC_SOCKET");
	}

	private static ClusterProcess start(String name, String... args) throws IOException {
		List<String> arguments = new java.util.ArrayList<>(List.of("--cluster.workers=2",
				"--management.endpoints.web.exposure.include=cluster"));
		arguments.addAll(List.of(args));
		return ClusterProcess.start(name, Server.TOMCAT, ServletTestApplication.class, List.of(), arguments,
				ClusterProcess.freePort());
	}

}
