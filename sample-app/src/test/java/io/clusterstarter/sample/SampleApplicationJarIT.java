package io.clusterstarter.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged sample, started as the README says ({@code java -jar}): a primary and two workers
 * answering on one port, stopped cleanly by SIGTERM.
 */
class SampleApplicationJarIT {

	private static final JsonMapper json = JsonMapper.builder().build();

	@Test
	void javaDashJarStartsAClusterOfWorkers() throws Exception {
		Path jar = Path.of(System.getProperty("sample.jar", "target/sample-app.jar"));
		int port = SampleHttp.freePort();
		// Everything the cluster writes (this log, Tomcat's and the primary's temporary files, the
		// worker image) goes into one directory that the test removes
		Path temp = Files.createTempDirectory("sample-app");
		Path log = temp.resolve("sample-app.log");
		Process primary = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Djava.io.tmpdir=" + temp, "-jar", jar.toString(), "--server.port=" + port, "--cluster.workers=2",
				"--cluster.image.directory=" + temp.resolve("images"))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			int finalPort = port;
			await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
				assertThat(primary.isAlive()).as("primary alive; log:%n%s", Files.readString(log)).isTrue();
				JsonNode cluster = json.readTree(get(finalPort, "/actuator/cluster"));
				assertThat(cluster.get("workers").properties()).hasSize(2)
					.allSatisfy((entry) -> assertThat(entry.getValue().get("state").asString()).isEqualTo("listening"));
			});
			JsonNode cluster = json.readTree(get(port, "/actuator/cluster"));
			assertThat(cluster.get("primary").get("pid").asLong()).isEqualTo(primary.pid());
			Set<Long> pids = new HashSet<>();
			for (int i = 0; i < 100; i++) {
				pids.add(json.readTree(get(port, "/")).get("pid").asLong());
			}
			assertThat(pids).hasSize(2).doesNotContain(primary.pid());
			// The packaged sample carries the Prometheus registry: one scrape covers both workers
			assertThat(get(port, "/actuator/prometheus")).contains("jvm_threads_live_threads{worker_id=\"1\"",
					"jvm_threads_live_threads{worker_id=\"2\"", "cluster_workers{state=\"listening\"} 2.0");
			assertThat(Files.readString(log)).contains("Cluster up: 2 workers listening on port " + port)
				.contains("[worker 1]", "[worker 2]")
				.contains("WorkerExitLogger");
		}
		finally {
			primary.destroy();
			assertThat(primary.waitFor(60, TimeUnit.SECONDS)).isTrue();
			primary.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
		}
		try {
			assertThat(primary.exitValue()).isZero();
			assertThat(Files.readString(log)).contains("Received SIGTERM; shutting down the cluster", "Cluster stopped");
		}
		finally {
			FileSystemUtils.deleteRecursively(temp);
		}
	}

	private static String get(int port, String path) throws IOException {
		return SampleHttp.get(port, path);
	}

}
