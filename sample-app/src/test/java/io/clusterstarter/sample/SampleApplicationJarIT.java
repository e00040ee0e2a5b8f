package io.clusterstarter.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.util.FileSystemUtils;

import static io.clusterstarter.sample.SampleCluster.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged sample, started as the README says ({@code java -jar}): a primary and two
 * workers answering on one port, every Actuator answer that asks the primary (health with its
 * details, info, the cluster endpoint, the merged scrape), a rolling restart from the command
 * line, and a stop by SIGTERM. {@code .ci/spring-boot-range.sh} runs this class against the
 * sample built on the oldest and the newest Spring Boot the starter supports
 * ({@code -Dsample.jar}, {@code -Dexpected.spring-boot.version}), so it is what every
 * supported release must do; the newest also on Java 25 when the machine has it, where the
 * workers accept from the primary's one queue.
 */
class SampleApplicationJarIT {

	private static final Path JAR = Path.of(System.getProperty("sample.jar", "target/sample-app.jar"));

	private Path temp;

	@BeforeEach
	void createDirectory() throws Exception {
		// Everything a cluster writes (its log, Tomcat's and the primary's temporary files, the
		// worker image) goes into one directory that the test removes
		this.temp = Files.createTempDirectory("sample-app");
	}

	@AfterEach
	void deleteDirectory() throws Exception {
		FileSystemUtils.deleteRecursively(this.temp);
	}

	@Test
	void javaDashJarStartsAClusterWhoseEveryActuatorAnswerCoversTheCluster() throws Exception {
		SampleCluster cluster = SampleCluster.start(this.temp, JAR, "sample-app", "--cluster.workers=2",
				"--management.endpoint.health.show-details=always");
		try (cluster) {
			cluster.awaitListening(2);
			int port = cluster.port();
			JsonNode view = cluster.cluster();
			assertThat(view.get("primary").get("pid").asLong()).isEqualTo(cluster.process().pid());
			// The default balancing: one accept queue where the JDK can hand the socket over
			assertThat(view.get("primary").get("scheduling").asString())
				.isEqualTo((Runtime.version().feature() >= 22) ? "shared-queue" : "reuse-port");
			Set<Long> pids = answeringPids(port);
			assertThat(pids).hasSize(2).doesNotContain(cluster.process().pid());

			JsonNode health = json.readTree(SampleHttp.get(port, "/actuator/health"));
			assertThat(health.get("status").asString()).isEqualTo("UP");
			JsonNode details = health.get("components").get("cluster").get("details");
			assertThat(details.get("expected").asInt()).isEqualTo(2);
			assertThat(details.get("serving").asInt()).isEqualTo(2);
			JsonNode info = json.readTree(SampleHttp.get(port, "/actuator/info")).get("cluster");
			assertThat(info.get("workers").asInt()).isEqualTo(2);
			assertThat(info.get("primary").get("pid").asLong()).isEqualTo(cluster.process().pid());
			// The packaged sample carries the Prometheus registry: one scrape covers both workers
			assertThat(SampleHttp.get(port, "/actuator/prometheus")).contains("jvm_threads_live_threads{worker_id=\"1\"",
					"jvm_threads_live_threads{worker_id=\"2\"", "cluster_workers{state=\"listening\"} 2.0");
			// The dashboard the sample exposes, read-only: its page, and its data with both workers
			assertThat(SampleHttp.get(port, "/actuator/clusterdashboard"))
				.contains("<body data-dashboard=\"clusterdashboard\">");
			JsonNode dashboard = json.readTree(SampleHttp.get(port, "/actuator/clusterdashboard/data"));
			assertThat(dashboard.get("cluster").get("workers").size()).isEqualTo(2);
			assertThat(dashboard.get("events").size()).isGreaterThanOrEqualTo(6);
			assertThat(dashboard.get("actions").isNull()).as("no action without write access").isTrue();
			String expectedBoot = System.getProperty("expected.spring-boot.version", "");
			if (!expectedBoot.isEmpty()) {
				assertThat(cluster.log()).contains(":: Spring Boot ::").contains("(v" + expectedBoot + ")");
			}

			SampleCommandLine.Result reload = cluster.command("reload");
			assertThat(reload.exit()).as(reload.toString()).isZero();
			assertThat(reload.out()).contains("reload completed");
			cluster.awaitListening(2);
			assertThat(answeringPids(port)).hasSize(2).doesNotContainAnyElementsOf(pids);

			assertThat(cluster.log()).contains("Cluster up: 2 workers listening on port " + port)
				.contains("[worker 1]", "[worker 2]")
				.contains("WorkerExitLogger")
				.doesNotContain("NoSuchMethodError", "NoClassDefFoundError", "Exception in thread");
			cluster.stop();
			assertThat(cluster.log()).contains("Received SIGTERM; shutting down the cluster", "Cluster stopped");
		}
	}

	@Test
	void clusterEnabledFalseRunsOneJvmAndSaysWhyOnce() throws Exception {
		int port = SampleHttp.freePort();
		Path log = this.temp.resolve("plain.log");
		Process plain = new ProcessBuilder(SampleCommandLine.java().toString(), "-Djava.io.tmpdir=" + this.temp, "-jar",
				JAR.toString(), "--server.port=" + port, "--cluster.enabled=false")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			JsonNode answer = await().atMost(SampleCluster.BOOT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
				.until(() -> json.readTree(SampleHttp.get(port, "/")), (body) -> body.has("pid"));
			assertThat(answer.get("pid").asLong()).isEqualTo(plain.pid());
			assertThat(answer.get("worker").isNull()).isTrue();
			assertThat(plain.toHandle().children()).isEmpty();
			assertThat(Files.readString(log)).containsOnlyOnce("Running without clustering: cluster.enabled=false");
		}
		finally {
			plain.destroy();
			assertThat(plain.waitFor(60, TimeUnit.SECONDS)).isTrue();
		}
	}

	/** Pids of the workers that answer new connections, which the kernel spreads over them. */
	private static Set<Long> answeringPids(int port) throws Exception {
		Set<Long> pids = new HashSet<>();
		for (int i = 0; i < 100 && pids.size() < 2; i++) {
			pids.add(json.readTree(SampleHttp.get(port, "/")).get("pid").asLong());
		}
		return pids;
	}

}
