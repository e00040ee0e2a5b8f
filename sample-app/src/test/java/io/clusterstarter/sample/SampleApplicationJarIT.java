package io.clusterstarter.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		// Everything the cluster writes (this log, Tomcat's and the primary's temporary files)
		// goes into one directory that the test removes
		Path temp = Files.createTempDirectory("sample-app");
		Path log = temp.resolve("sample-app.log");
		Process primary = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Djava.io.tmpdir=" + temp, "-jar", jar.toString(), "--server.port=" + port, "--cluster.workers=2")
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
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout(10_000);
			socket.getOutputStream()
				.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			String body = response.substring(response.indexOf("\r\n\r\n") + 4);
			return response.toLowerCase().contains("transfer-encoding: chunked") ? body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("\r\n0\r\n")) : body;
		}
	}

}
