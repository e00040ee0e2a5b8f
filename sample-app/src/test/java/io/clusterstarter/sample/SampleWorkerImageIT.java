package io.clusterstarter.sample;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker image, with the packaged sample on every JDK the build is given (the build's own,
 * plus those in {@code it.jdks}): the primary extracts the jar and trains a class-data cache once
 * the cluster is up; a replacement then starts from it, which the kernel's list of the worker's
 * mappings confirms; a restarted primary reuses it at once; a damaged cache and a failing
 * training run (for another JVM option, so another image) leave the cluster serving. One primary
 * after the other, on one port, so that each JDK pays for one real training run.
 */
class SampleWorkerImageIT {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Duration BOOT = Duration.ofMinutes(3);

	/** Time for the training run: a whole start of the application plus the dump, at low priority. */
	private static final Duration TRAINING = Duration.ofMinutes(6);

	private Path temp;

	private Path images;

	private final List<Process> primaries = new ArrayList<>();

	static Stream<String> jdks() {
		String extra = System.getProperty("it.jdks", "");
		return Stream.concat(Stream.of(System.getProperty("java.home")),
				Arrays.stream(extra.split(",")).map(String::trim).filter((jdk) -> !jdk.isEmpty()));
	}

	@BeforeEach
	void createDirectories() throws IOException {
		this.temp = Files.createTempDirectory("sample-image");
		this.images = this.temp.resolve("images");
	}

	@AfterEach
	void stopAndRemove() throws Exception {
		for (Process primary : this.primaries) {
			stop(primary);
		}
		FileSystemUtils.deleteRecursively(this.temp);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("jdks")
	void imageIsMadeOnceUsedByReplacementsReusedAndNeverStopsAWorker(String jdk) throws Exception {
		int port = SampleHttp.freePort();
		Process first = start(jdk, "first", port);
		awaitListening(first, port, 1);
		JsonNode image = awaitImage(port);
		assertThat(image.get("state").asString()).as("image %s; log:%n%s", image, log("first")).isEqualTo("ready");
		Path directory = Path.of(image.get("directory").asString());
		Path cache = directory.resolve(jdkFeature(jdk) >= 25 ? "app.aot" : "app.jsa");
		assertThat(cache).isRegularFile();
		assertThat(image.get("size").asLong()).isEqualTo(Files.size(cache));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.getParent())))
			.isEqualTo("rwx------");
		// The training run started the application plainly: no port, no worker of the cluster
		String training = Files.readString(directory.resolve("training.log"));
		assertThat(training).contains("Running without clustering: this is a CDS or AOT cache training run")
			.doesNotContain("Tomcat started on port");
		JsonNode primary = cluster(port).get("primary");
		assertThat(primary.get("counters").get("forks").asInt()).isEqualTo(1);
		assertThat(cluster(port).get("workers").properties()).hasSize(1);
		assertThat(cluster(port).get("workers").get("1").get("fromImage").asBoolean()).isFalse();

		// A crashed worker's replacement starts from the image
		long killed = cluster(port).get("workers").get("1").get("pid").asLong();
		ProcessHandle.of(killed).ifPresent(ProcessHandle::destroyForcibly);
		JsonNode replacement = awaitWorker(first, port, "2");
		assertThat(replacement.get("fromImage").asBoolean()).isTrue();
		assertThat(mappedFiles(replacement.get("pid").asLong())).contains(cache.toString());
		assertThat(log("first")).containsPattern("worker 2 \\(pid \\d+\\) listening in [0-9.]+ s, from the image");
		stop(first);

		// A new primary for the same jar, JVM and options starts its first worker from the image
		Process second = start(jdk, "second", port);
		awaitListening(second, port, 1);
		JsonNode worker = cluster(port).get("workers").get("1");
		assertThat(worker.get("fromImage").asBoolean()).as(log("second")).isTrue();
		assertThat(mappedFiles(worker.get("pid").asLong())).contains(cache.toString());
		assertThat(cluster(port).get("primary").get("image").get("directory").asString()).isEqualTo(directory.toString());
		assertThat(log("second")).contains("Workers start from the image " + directory);
		stop(second);

		// A damaged cache (truncated, as by a full disk, and overwritten in part): a JVM would
		// crash on it, so the primary finds it out before any worker maps it, and the worker
		// serves from the jar
		try (RandomAccessFile file = new RandomAccessFile(cache.toFile(), "rw")) {
			file.seek(file.length() / 3);
			file.write(new byte[64 * 1024]);
			file.setLength(file.length() / 2);
		}
		Process damaged = start(jdk, "damaged", port);
		awaitListening(damaged, port, 1);
		assertThat(cluster(port).get("workers").get("1").get("fromImage").asBoolean()).isFalse();
		assertThat(get(port, "/")).contains("\"pid\"");
		JsonNode refused = cluster(port).get("primary").get("image");
		assertThat(refused.get("state").asString()).isEqualTo("failed");
		assertThat(refused.get("reason").asString()).startsWith("the class-data cache " + cache + " is damaged");
		assertThat(directory.resolve("ready")).doesNotExist();
		assertThat(log("damaged")).doesNotContain("exited with code");
		stop(damaged);

		// Another JVM option, and a training run that cannot start the application: another
		// image, which fails, once, while the worker serves from the jar
		Process failing = start(jdk, "failing", port, "--cluster.exec-argv=-XX:+UseSerialGC",
				"--cluster.image.training-args=--spring.main.web-application-type=bogus");
		awaitListening(failing, port, 1);
		JsonNode failed = awaitImage(port);
		assertThat(failed.get("state").asString()).isEqualTo("failed");
		assertThat(failed.get("reason").asString()).isEqualTo("The training run exited with code 1");
		Path other = Path.of(failed.get("directory").asString());
		assertThat(other).isNotEqualTo(directory);
		assertThat(log("failing")).containsOnlyOnce("Workers start without an image: The training run exited with code 1; see "
				+ other.resolve("training.log"));
		assertThat(get(port, "/")).contains("\"pid\"");
		stop(failing);
	}

	private JsonNode awaitImage(int port) {
		return await().atMost(TRAINING).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
			.until(() -> cluster(port).get("primary").get("image"),
					(node) -> !node.get("state").asString().equals("preparing"));
	}

	private Process start(String jdk, String name, int port, String... args) throws IOException {
		List<String> command = new ArrayList<>(List.of(Path.of(jdk, "bin", "java").toString(),
				"-Djava.io.tmpdir=" + this.temp, "-jar", System.getProperty("sample.jar", "target/sample-app.jar"),
				"--server.port=" + port, "--cluster.workers=1", "--cluster.image.directory=" + this.images,
				"--cluster.stats.interval=1s"));
		command.addAll(List.of(args));
		Process primary = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.temp.resolve(name + ".log").toFile())
			.start();
		this.primaries.add(primary);
		return primary;
	}

	private void awaitListening(Process primary, int port, int workers) {
		await().atMost(BOOT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
			assertThat(primary.isAlive()).as("primary alive").isTrue();
			JsonNode all = cluster(port).get("workers");
			assertThat(all.properties()).hasSize(workers)
				.allSatisfy((entry) -> assertThat(entry.getValue().get("state").asString()).isEqualTo("listening"));
		});
	}

	private JsonNode awaitWorker(Process primary, int port, String id) {
		return await().atMost(BOOT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
			assertThat(primary.isAlive()).isTrue();
			return cluster(port).get("workers").get(id);
		}, (worker) -> worker != null && worker.get("state").asString().equals("listening"));
	}

	private static void stop(Process primary) throws InterruptedException {
		if (!primary.isAlive()) {
			return;
		}
		List<ProcessHandle> children = primary.toHandle().descendants().toList();
		primary.destroy();
		assertThat(primary.waitFor(90, TimeUnit.SECONDS)).isTrue();
		assertThat(primary.exitValue()).isZero();
		// Nothing it started outlives it: workers, and a training run still in progress
		await().atMost(Duration.ofSeconds(30)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
	}

	private String log(String name) throws IOException {
		return Files.readString(this.temp.resolve(name + ".log"));
	}

	private static List<String> mappedFiles(long pid) throws IOException {
		return Files.readAllLines(Path.of("/proc", String.valueOf(pid), "maps"))
			.stream()
			.map((line) -> line.split("\\s+", 6))
			.filter((fields) -> fields.length == 6)
			.map((fields) -> fields[5])
			.toList();
	}

	private static int jdkFeature(String jdk) throws IOException {
		for (String line : Files.readAllLines(Path.of(jdk, "release"))) {
			if (line.startsWith("JAVA_VERSION=")) {
				String version = line.substring(line.indexOf('"') + 1, line.lastIndexOf('"'));
				return Integer.parseInt(version.split("[.+-]")[0]);
			}
		}
		throw new IllegalStateException("No JAVA_VERSION in " + jdk + "/release");
	}

	private static JsonNode cluster(int port) throws IOException {
		return json.readTree(get(port, "/actuator/cluster"));
	}

	private static String get(int port, String path) throws IOException {
		return SampleHttp.get(port, path);
	}

}
