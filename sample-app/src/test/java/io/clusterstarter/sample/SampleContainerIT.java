package io.clusterstarter.sample;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import org.springframework.util.FileSystemUtils;

import static io.clusterstarter.sample.SampleCluster.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged sample in the shapes containers run it in, under what a container does to a
 * JVM (a cgroup memory limit, the primary as PID 1 of its own PID namespace): the buildpack
 * layout with the memory calculator's options in {@code JAVA_TOOL_OPTIONS}, whose heap and
 * processor count each worker gets its share of instead, and whose worker image is made from
 * the unpacked jar; and workers whose heap cannot fit the limit, which the kernel's OOM killer
 * ends and the primary says so; and the primary as PID 1 through an upgrade, which stays and
 * passes the runtime's SIGTERM on to the new primary.
 */
class SampleContainerIT {

	private static final long MIB = 1L << 20;

	/** What Paketo's memory calculator and processor helper set for a 2 GiB container with 2 processors. */
	private static final String BUILDPACK_OPTIONS = "-XX:ActiveProcessorCount=2 -XX:MaxDirectMemorySize=10M -Xmx1428M "
			+ "-XX:MaxMetaspaceSize=120M -XX:ReservedCodeCacheSize=240M -Xss1M";

	private static final String JAR_LAUNCHER = "org.springframework.boot.loader.launch.JarLauncher";

	private static final Path JAR = Path.of(System.getProperty("sample.jar", "target/sample-app.jar"));

	private Path temp;

	@BeforeEach
	void createDirectory() throws IOException {
		this.temp = Files.createTempDirectory("sample-container");
	}

	@AfterEach
	void deleteDirectory() throws IOException {
		FileSystemUtils.deleteRecursively(this.temp);
	}

	/** On every JDK the build is given: the image is a CDS archive on one, an AOT cache on another. */
	@ParameterizedTest(name = "{0}")
	@MethodSource("io.clusterstarter.sample.SampleWorkerImageIT#jdks")
	void buildpackLayoutGivesEachWorkerItsShareStartsReplacementsFromAnImageAndStopsAsPidOne(String jdk)
			throws Exception {
		Path workspace = unpack(JAR, this.temp.resolve("workspace"));
		try (TestContainer container = TestContainer.withMemoryLimit(2048 * MIB)) {
			SampleCluster cluster = SampleCluster.start(this.temp, container.prefix(true), jdk,
					Map.of("JAVA_TOOL_OPTIONS", BUILDPACK_OPTIONS), List.of("-cp", workspace.toString(), JAR_LAUNCHER),
					JAR, "buildpack", "--cluster.workers=2");
			try (cluster) {
				cluster.awaitListening(2);
				assertThat(cluster.log()).contains("The workers' heap and processors come from -Xmx1428M "
						+ "(JAVA_TOOL_OPTIONS) and -XX:ActiveProcessorCount=2 (JAVA_TOOL_OPTIONS), sized for one JVM: each "
						+ "of the 2 workers gets its share of the 2.0 GiB memory limit of this container and of 2 "
						+ "processors instead, -Xmx512m -XX:ActiveProcessorCount=1");
				JsonNode primary = cluster.cluster().get("primary");
				assertThat(primary.get("pid").asLong()).as("the primary is PID 1 of the container").isEqualTo(1);
				assertThat(primary.get("host").get("memoryLimit").asLong()).isEqualTo(2048 * MIB);
				assertThat(primary.get("host").get("containerLimit").asBoolean()).isTrue();
				for (JsonNode worker : cluster.cluster().get("workers")) {
					JsonNode sizing = worker.get("sizing");
					assertThat(sizing.get("heap").get("max").asLong()).isEqualTo(512 * MIB);
					assertThat(sizing.get("heap").get("source").asString()).isEqualTo("cluster");
					assertThat(sizing.get("heap").get("replaces").asString()).isEqualTo("-Xmx1428M (JAVA_TOOL_OPTIONS)");
					assertThat(sizing.get("processors").get("count").asInt()).isEqualTo(1);
					// What its JVM really got: its own copy of the variable
					long pid = TestContainer.hostPid(cluster.process().toHandle(), worker.get("pid").asLong());
					assertThat(SampleCluster.environmentOf(pid).get("JAVA_TOOL_OPTIONS")).contains("-Xmx512m", "-XX:ActiveProcessorCount=1")
						.doesNotContain("1428M");
					// The OOM killer's choice before the primary
					assertThat(Files.readString(Path.of("/proc", String.valueOf(pid), "oom_score_adj")).trim())
						.isEqualTo("500");
				}
				await().atMost(SampleCluster.BOOT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
					for (JsonNode worker : cluster.cluster().get("workers")) {
						assertThat(worker.get("report").get("heap").get("max").asLong()).isBetween(400 * MIB, 512 * MIB);
					}
				});

				// The unpacked jar gets a worker image, and a replacement starts from it
				JsonNode image = await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofSeconds(1))
					.until(() -> cluster.cluster().get("primary").get("image"),
							(state) -> !state.get("state").asString().equals("preparing"));
				assertThat(image.get("state").asString()).as(cluster.log()).isEqualTo("ready");
				JsonNode slotZero = SampleCluster.workerInSlot(cluster.cluster(), 0);
				ProcessHandle.of(TestContainer.hostPid(cluster.process().toHandle(), slotZero.get("pid").asLong()))
					.ifPresent(ProcessHandle::destroyForcibly);
				JsonNode replacement = await().atMost(SampleCluster.BOOT).pollInterval(Duration.ofMillis(500))
					.ignoreExceptions()
					.until(() -> SampleCluster.workerInSlot(cluster.cluster(), 0), (worker) -> worker.get("id").asInt() == 3
							&& worker.get("state").asString().equals("listening") && worker.has("fromImage"));
				assertThat(replacement.get("fromImage").asBoolean()).as(cluster.log()).isTrue();
				// A kill -9 is not an OOM kill
				assertThat(cluster.log()).containsPattern("worker " + slotZero.get("id").asInt()
						+ " \\(pid \\d+\\) exited unexpectedly with code 137 \\(SIGKILL\\); replacing it");
				assertThat(cluster.cluster().get("primary").get("counters").get("oomKills").asInt()).isZero();

				// SIGTERM to PID 1, as a container runtime stops it: a clean stop, nothing left
				long primaryPid = TestContainer.hostPid(cluster.process().toHandle(), 1);
				new ProcessBuilder("kill", "-TERM", String.valueOf(primaryPid)).start().waitFor();
				assertThat(cluster.process().waitFor(90, TimeUnit.SECONDS)).isTrue();
				assertThat(cluster.process().exitValue()).as(cluster.log()).isZero();
				assertThat(cluster.log()).contains("Cluster stopped");
				assertThat(container.isOccupied()).isFalse();
			}
		}
	}

	/**
	 * A container ends with its PID 1: after an upgrade (here SIGUSR2, to the same jar: the
	 * primary restarted without a refused connection), the first primary stays as PID 1 without
	 * being told to; after a second, the retired primary exits and PID 1 waits for the newest,
	 * which it adopted; a container runtime's SIGTERM to PID 1 stops the newest gracefully, and
	 * PID 1 exits with its status.
	 */
	@Test
	void primaryAsPidOneStaysThroughUpgradesAndPassesTheRuntimesSigtermOn() throws Exception {
		try (TestContainer container = TestContainer.withMemoryLimit(2048 * MIB)) {
			SampleCluster cluster = SampleCluster.start(this.temp, container.prefix(true), SampleCluster.JAVA_HOME,
					Map.of(), List.of("-jar", JAR.toString()), JAR, "upgrade", "--cluster.workers=1",
					"--cluster.image.enabled=false");
			try (cluster) {
				cluster.awaitListening(1);
				assertThat(cluster.cluster().get("primary").get("pid").asLong()).isEqualTo(1);
				long pidOne = TestContainer.hostPid(cluster.process().toHandle(), 1);
				new ProcessBuilder("kill", "-USR2", String.valueOf(pidOne)).start().waitFor();
				JsonNode primary = await().atMost(SampleCluster.BOOT).pollInterval(Duration.ofSeconds(1))
					.ignoreExceptions()
					.until(() -> cluster.cluster().get("primary"), (now) -> now.get("pid").asLong() != 1);
				assertThat(primary.get("runs").get("upgradedFrom").asLong()).isEqualTo(1);
				cluster.awaitLog("This primary stays as the process the service manager watches until the new primary "
						+ "\\(pid " + primary.get("pid").asLong() + "\\) exits", SampleCluster.BOOT);
				cluster.awaitListening(1);

				// A second upgrade: the retired primary hands the cluster on and exits; PID 1, which
				// becomes the newest primary's parent, waits for it instead
				long second = primary.get("pid").asLong();
				new ProcessBuilder("kill", "-USR2", String.valueOf(TestContainer.hostPid(cluster.process().toHandle(), second)))
					.start()
					.waitFor();
				JsonNode newest = await().atMost(SampleCluster.BOOT).pollInterval(Duration.ofSeconds(1))
					.ignoreExceptions()
					.until(() -> cluster.cluster().get("primary"), (now) -> now.get("pid").asLong() != second);
				cluster.awaitLog("The primary \\(pid " + second + "\\) handed the cluster on to a new primary \\(pid "
						+ newest.get("pid").asLong() + "\\)", SampleCluster.BOOT);
				cluster.awaitListening(1);

				new ProcessBuilder("kill", "-TERM", String.valueOf(pidOne)).start().waitFor();
				assertThat(cluster.process().waitFor(90, TimeUnit.SECONDS)).isTrue();
				assertThat(cluster.process().exitValue()).as(cluster.log()).isZero();
				assertThat(cluster.log()).contains("The new primary (pid " + newest.get("pid").asLong()
						+ ") exited with status 0");
				assertThat(container.isOccupied()).isFalse();
			}
		}
	}

	@Test
	void workersKilledForMemoryAreToldApartFromAKillDashNineAndTheirSlotSaysWhatToDo() throws Exception {
		try (TestContainer container = TestContainer.withMemoryLimit(500 * MIB)) {
			// Each worker fills more of its heap than the container holds, once it has started
			SampleCluster cluster = SampleCluster.start(this.temp, container.prefix(false), SampleCluster.JAVA_HOME,
					Map.of(), List.of("-jar", JAR.toString()), JAR, "oom", "--cluster.workers=1", "--cluster.exec-argv=-Xmx600m",
					"--sample.hold-memory=500MB", "--cluster.restart.max-failures=2", "--cluster.image.enabled=false");
			try (cluster) {
				cluster.awaitLog("Slot 0 failed", SampleCluster.BOOT);
				String log = cluster.log();
				assertThat(log).contains("The workers need about 928 MiB, more than the 500 MiB memory limit of this "
						+ "container: 1 worker × (600 MiB of heap (-Xmx600m from cluster.exec-argv) + about 200 MiB beside "
						+ "the heap) + about 128 MiB for the primary.")
					.containsPattern("worker 1 \\(pid \\d+\\) was killed by the kernel's OOM killer \\(code 137, SIGKILL\\): "
							+ "the memory limit is 500 MiB, and each worker may use 600 MiB of heap \\(-Xmx600m from "
							+ "cluster.exec-argv\\) and about 200 MiB beside it; replacing it in slot 0 in 100 ms")
					.containsPattern("Slot 0 failed: its workers exited unexpectedly 2 times within 300 s, 2 of them killed "
							+ "by the kernel's OOM killer \\(last worker 2 \\(pid \\d+\\) was killed by the kernel's OOM "
							+ "killer \\(code 137, SIGKILL\\)\\); it is not restarted again; the memory limit is 500 MiB")
					.containsPattern("Worker 1 \\(pid \\d+\\) exited with code 137 \\(SIGKILL\\), killed: out of memory: "
							+ "the kernel's OOM killer ended it");
				SampleCommandLine.Result status = cluster.command("status", "--json");
				assertThat(status.exit()).as(status.toString()).isZero();
				JsonNode primary = json.readTree(status.out()).get("primary");
				assertThat(primary.get("counters").get("oomKills").asInt()).isEqualTo(2);
				assertThat(primary.get("failedSlots").get(0).asInt()).isZero();
			}
		}
	}

	/** Unpack an executable jar into a directory, as a buildpack does into {@code /workspace}. */
	private static Path unpack(Path jar, Path directory) throws IOException {
		try (ZipFile zip = new ZipFile(jar.toFile())) {
			Enumeration<? extends ZipEntry> entries = zip.entries();
			while (entries.hasMoreElements()) {
				ZipEntry entry = entries.nextElement();
				Path target = directory.resolve(entry.getName()).normalize();
				if (entry.isDirectory()) {
					Files.createDirectories(target);
				}
				else {
					Files.createDirectories(target.getParent());
					try (InputStream in = zip.getInputStream(entry)) {
						Files.copy(in, target);
					}
				}
			}
		}
		return directory;
	}

}
