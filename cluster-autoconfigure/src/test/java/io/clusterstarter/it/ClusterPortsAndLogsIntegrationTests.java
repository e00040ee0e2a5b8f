package io.clusterstarter.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.clusterstarter.it.ClusterProcess.Server;
import io.clusterstarter.it.apps.servlet.ServletTestApplication;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code server.port=0} and {@code management.server.port=0} become one concrete port each, shared
 * by all workers; with a log file, each worker writes its own; with {@code cpu-affinity=spread},
 * each worker runs on its own processors.
 */
class ClusterPortsAndLogsIntegrationTests {

	@Test
	void portZeroAndManagementPortAreSharedAndEachWorkerLogsToItsOwnFile() throws Exception {
		Path logs = Files.createTempDirectory("cluster-logs");
		ClusterEvents events = ClusterEvents.create();
		try (events; TemporaryDirectory removed = new TemporaryDirectory(logs);
				ClusterProcess cluster = ClusterProcess.start("ports", Server.TOMCAT, ServletTestApplication.class,
				List.of(),
				List.of("--server.port=0", "--management.server.port=0", "--cluster.workers=2",
						"--management.endpoints.web.exposure.include=cluster",
						"--logging.file.name=" + logs.resolve("app.log"), events.argument(),
						"--cluster.cpu-affinity=spread"),
				0)) {
			await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
				assertThat(cluster.process().isAlive()).isTrue();
				assertThat(events.lines()).filteredOn((line) -> line.startsWith("listening "))
					.hasSize(4);
			});
			assertThat(cluster.log()).doesNotContain("exited unexpectedly");
			List<String> listening = events.lines()
				.stream()
				.filter((line) -> line.startsWith("listening "))
				.toList();
			int port = portOf(listening, "null");
			int managementPort = portOf(listening, "management");
			assertThat(port).isPositive().isNotEqualTo(managementPort);
			assertThat(listening).filteredOn((line) -> line.endsWith("port=" + port + " namespace=null")).hasSize(2);
			assertThat(listening).filteredOn((line) -> line.endsWith("port=" + managementPort + " namespace=management"))
				.hasSize(2);
			JsonNode view = ClusterProcess.json.readTree(ClusterProcess.get(managementPort, "/actuator/cluster").body());
			assertThat(view.get("primary").get("port").asInt()).isEqualTo(port);
			assertThat(Listeners.on(port)).hasSize(2).doesNotContain(cluster.pid());
			assertThat(Listeners.on(managementPort)).hasSize(2).doesNotContain(cluster.pid());
			assertWorkersPinnedToDisjointProcessors(cluster);
			// Each worker's file is named by its id, as the console prefix and the endpoint name it
			assertThat(logs.resolve("app-worker-1.log")).content().containsOnlyOnce("Started ServletTestApplication");
			assertThat(logs.resolve("app-worker-2.log")).content().containsOnlyOnce("Started ServletTestApplication");
			assertThat(logs.resolve("app.log")).content()
				.contains("Cluster up: 2 workers listening on port " + port)
				.doesNotContain("Started ServletTestApplication");
			// A rolling restart overlaps two workers of each slot: each still writes its own file
			cluster.signal("HUP");
			await().atMost(Duration.ofSeconds(240))
				.untilAsserted(() -> assertThat(events.lines()).contains("roll completed replaced=2"));
			for (int id : List.of(3, 4)) {
				assertThat(logs.resolve("app-worker-" + id + ".log")).content()
					.containsOnlyOnce("Started ServletTestApplication");
				assertThat(cluster.log()).contains("[worker " + id + "] ");
			}
			assertThat(logs.resolve("app-worker-1.log")).content()
				.containsOnlyOnce("Started ServletTestApplication")
				.contains("Worker 1 disconnecting at the primary's request");
			assertThat(logs).isDirectoryNotContaining("glob:**/app-worker-0.log");
			cluster.signal("TERM");
			assertThat(cluster.awaitExit(Duration.ofSeconds(45))).isZero();
		}
	}

	private static void assertWorkersPinnedToDisjointProcessors(ClusterProcess cluster) throws Exception {
		List<Integer> all = cpusAllowed(cluster.pid());
		List<List<Integer>> perWorker = cluster.children().stream().map((worker) -> cpusAllowed(worker.pid())).toList();
		assertThat(perWorker).hasSize(2);
		assertThat(perWorker.stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(
				(all.size() >= 2) ? all : List.of(all.get(0), all.get(0)));
		if (all.size() >= 2) {
			assertThat(perWorker.get(0)).doesNotContainAnyElementsOf(perWorker.get(1));
		}
	}

	private static List<Integer> cpusAllowed(long pid) {
		try {
			String line = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))
				.stream()
				.filter((entry) -> entry.startsWith("Cpus_allowed_list:"))
				.findFirst()
				.orElseThrow();
			List<Integer> cpus = new java.util.ArrayList<>();
			for (String part : line.substring(line.indexOf(':') + 1).trim().split(",")) {
				String[] range = part.split("-");
				for (int cpu = Integer.parseInt(range[0]); cpu <= Integer.parseInt(range[range.length - 1]); cpu++) {
					cpus.add(cpu);
				}
			}
			return cpus;
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static int portOf(List<String> listening, String namespace) {
		return listening.stream()
			.filter((line) -> line.endsWith("namespace=" + namespace))
			.map((line) -> Integer.parseInt(line.replaceAll(".* port=(\\d+) .*", "$1")))
			.findFirst()
			.orElseThrow();
	}

}
