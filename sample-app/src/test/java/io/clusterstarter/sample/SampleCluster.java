package io.clusterstarter.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged sample run as a real cluster for an integration test: {@code java -jar} of a
 * jar, with its temporary files, worker images and log in the test's directory.
 */
final class SampleCluster implements AutoCloseable {

	static final JsonMapper json = JsonMapper.builder().build();

	/** The build's own JDK. */
	static final String JAVA_HOME = System.getProperty("java.home");

	/** A healthy JVM may take 20 s to boot on a busy two-core machine: workers get plenty. */
	static final Duration BOOT = Duration.ofMinutes(3);

	private final Process process;

	private final int port;

	private final Path log;

	private final Path directory;

	private final Path jar;

	private SampleCluster(Process process, int port, Path log, Path directory, Path jar) {
		this.process = process;
		this.port = port;
		this.log = log;
		this.directory = directory;
		this.jar = jar;
	}

	/**
	 * Start {@code java -jar jar} in the directory, with its own temporary and image directories.
	 */
	static SampleCluster start(Path directory, Path jar, String name, String... args) throws IOException {
		return start(directory, List.of(), JAVA_HOME, Map.of(), List.of("-jar", jar.toString()), jar, name, args);
	}

	/**
	 * Start the sample in the directory, with its own temporary and image directories.
	 * @param directory the cluster's directory
	 * @param prefix what runs {@code java} (a container's cgroup and PID namespace), or empty
	 * @param jdk the home of the JDK whose {@code java} runs it
	 * @param environment variables added to this JVM's
	 * @param launch how {@code java} starts the sample ({@code -jar app.jar}, or
	 * {@code -cp DIR JarLauncher})
	 * @param jar the jar the command line runs from
	 * @param name the log's name
	 * @param args program arguments, after the port and directories
	 */
	static SampleCluster start(Path directory, List<String> prefix, String jdk, Map<String, String> environment,
			List<String> launch, Path jar, String name, String... args) throws IOException {
		int port = SampleHttp.freePort();
		Path log = directory.resolve(name + ".log");
		List<String> command = new ArrayList<>(prefix);
		command.add(Path.of(jdk, "bin", "java").toString());
		command.add("-Djava.io.tmpdir=" + Files.createDirectories(directory.resolve("tmp")));
		command.addAll(launch);
		command.addAll(List.of("--server.port=" + port, "--cluster.image.directory=" + directory.resolve("images"),
				"--cluster.stats.interval=1s"));
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile());
		builder.environment().putAll(environment);
		return new SampleCluster(builder.start(), port, log, directory, jar);
	}

	Process process() {
		return this.process;
	}

	int port() {
		return this.port;
	}

	/** Where the primary's control socket is: the default, in the cluster's temporary directory. */
	Path controlDirectory() {
		return this.directory.resolve("tmp").resolve("cluster-spring-boot-" + System.getProperty("user.name")).resolve("control");
	}

	/** Run the command line from the cluster's jar, as its user would. */
	SampleCommandLine.Result command(String... args) throws IOException, InterruptedException {
		return SampleCommandLine.run(List.of(), SampleCommandLine.java(), this.jar, controlDirectory(), args);
	}

	String log() throws IOException {
		return Files.readString(this.log);
	}

	/** Wait until exactly this many workers listen. */
	void awaitListening(int workers) {
		await().atMost(BOOT).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
			assertThat(this.process.isAlive()).as("primary alive; log:%n%s", log()).isTrue();
			assertThat(cluster().get("workers").properties()).hasSize(workers)
				.allSatisfy((entry) -> assertThat(entry.getValue().get("state").asString()).isEqualTo("listening"));
		});
	}

	/** Wait until the log shows a line matching the pattern. */
	void awaitLog(String regex, Duration timeout) {
		await().atMost(timeout).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
			assertThat(this.process.isAlive()).as("primary alive; log:%n%s", log()).isTrue();
			assertThat(log()).containsPattern(regex);
		});
	}

	JsonNode cluster() throws IOException {
		return json.readTree(SampleHttp.get(this.port, "/actuator/cluster"));
	}

	/** The version the sample answers {@code GET /} with. */
	String versionAnswered() throws IOException {
		return json.readTree(SampleHttp.get(this.port, "/")).get("version").asString();
	}

	/** The environment of a running process, read from {@code /proc} (Linux). */
	static Map<String, String> environmentOf(long pid) throws IOException {
		Map<String, String> environment = new LinkedHashMap<>();
		for (String variable : Files.readString(Path.of("/proc", String.valueOf(pid), "environ")).split("\0")) {
			int equals = variable.indexOf('=');
			if (equals > 0) {
				environment.put(variable.substring(0, equals), variable.substring(equals + 1));
			}
		}
		return environment;
	}

	/** The worker in a slot in the primary's view, or {@code null}. */
	static JsonNode workerInSlot(JsonNode cluster, int slot) {
		for (JsonNode worker : cluster.get("workers")) {
			if (worker.get("slot").asInt() == slot) {
				return worker;
			}
		}
		return null;
	}

	SampleHttp.Response act(String body) throws IOException {
		return SampleHttp.post(this.port, "/actuator/cluster", body);
	}

	/** The versions of the live workers, as the primary shows them. */
	List<String> workerVersions() throws IOException {
		List<String> versions = new ArrayList<>();
		cluster().get("workers").forEach((worker) -> versions.add(worker.get("release").get("version").asString()));
		return versions;
	}

	/** SIGTERM, as systemd or Ctrl-C: the primary exits 0, and nothing it started outlives it. */
	void stop() throws InterruptedException {
		if (!this.process.isAlive()) {
			return;
		}
		List<ProcessHandle> children = this.process.toHandle().descendants().toList();
		this.process.destroy();
		assertThat(this.process.waitFor(90, TimeUnit.SECONDS)).isTrue();
		assertThat(this.process.exitValue()).isZero();
		await().atMost(Duration.ofSeconds(30)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
	}

	/** Kill what is left of the cluster, if it was started, and delete its directory. */
	static void closeAndDelete(SampleCluster cluster, Path directory) throws IOException {
		try {
			if (cluster != null) {
				cluster.close();
			}
		}
		finally {
			FileSystemUtils.deleteRecursively(directory);
		}
	}

	@Override
	public void close() {
		if (this.process.isAlive()) {
			this.process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
			this.process.destroyForcibly();
		}
	}

}
