package io.clusterstarter.sample;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import org.springframework.util.FileSystemUtils;

import static io.clusterstarter.sample.SampleCluster.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The command line against one real cluster of the packaged sample, in order: every command as a
 * user runs it ({@code java -Djarmode=cluster -jar app.jar ...}, a process of its own), with its
 * exit status; {@code status} and {@code monit} in a real terminal (tmux); bad input and another
 * user on the control socket; and last {@code stop}, after which no cluster answers. The aborted
 * reload and the stop run the documented systemd unit's {@code ExecReload} and {@code ExecStop}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleControlIT {

	private static final String CONTROL_DIRECTORY = "CLUSTER_CONTROL_DIRECTORY";

	private Path temp;

	private Path marker;

	private SampleCluster cluster;

	private String name;

	@BeforeAll
	void startCluster() throws IOException {
		this.temp = Files.createTempDirectory("sample-control");
		this.marker = this.temp.resolve("fail-at-startup");
		Path jar = Files.copy(Path.of(System.getProperty("sample.jar", "target/sample-app.jar")).toAbsolutePath(),
				this.temp.resolve("app.jar"));
		// Started as 'nohup java -jar app.jar &' starts it: SIGHUP and SIGINT ignored, which the
		// JVM keeps, so that the command line is the way to reload it
		this.cluster = SampleCluster.start(this.temp, List.of("sh", "-c", "trap '' HUP INT; exec \"$@\"", "sh"),
				SampleCluster.JAVA_HOME, Map.of(), List.of("-jar", jar.toString()), jar, "cluster", "--cluster.workers=2",
				"--cluster.image.enabled=false", "--spring.application.name=shop",
				"--sample.fail-at-startup-if-present=" + this.marker, "--cluster.startup-timeout=90s");
		this.name = "shop-" + this.cluster.port();
		this.cluster.awaitListening(2);
	}

	@AfterAll
	void stopCluster() throws IOException {
		SampleCluster.closeAndDelete(this.cluster, this.temp);
	}

	@Test
	@Order(1)
	void statusPrintsThePrimaryAndATableOfTheWorkersOrTheirJson() throws Exception {
		Set<String> pids = workerPids();
		SampleCommandLine.Result status = this.cluster.command("status");
		assertThat(status.exit()).as(status.toString()).isZero();
		assertThat(status.out()).contains("cluster " + this.name, "primary pid " + this.cluster.process().pid(),
				"port " + this.cluster.port(), "2/2 workers serving")
			.containsPattern("ID +SLOT +PID +STATE +VERSION +UPTIME +RESTARTS +HEAP +RSS +CPU +REQ/S +REPORT");
		for (String pid : pids) {
			assertThat(status.out()).containsPattern("\\n *\\d+ +[01] +" + pid + " +listening");
		}
		SampleCommandLine.Result asJson = this.cluster.command("status", "--json");
		assertThat(asJson.exit()).as(asJson.toString()).isZero();
		JsonNode snapshot = json.readTree(asJson.out());
		assertThat(snapshot.get("primary").get("pid").asLong()).isEqualTo(this.cluster.process().pid());
		Set<String> jsonPids = new TreeSet<>();
		snapshot.get("workers").forEach((worker) -> jsonPids.add(worker.get("pid").asString()));
		assertThat(jsonPids).isEqualTo(pids);
		// The command line is the JDK's only: it runs the same on every JDK the workers may use
		for (String home : System.getProperty("it.jdks", "").split(",")) {
			if (!home.isBlank()) {
				SampleCommandLine.Result other = SampleCommandLine.run(List.of(), Path.of(home.trim(), "bin", "java"),
						this.temp.resolve("app.jar"), this.cluster.controlDirectory(), "status");
				assertThat(other.exit()).as(other.toString()).isZero();
				assertThat(other.out()).contains("2/2 workers serving");
			}
		}
	}

	@Test
	@Order(2)
	void logsShowOneWorkersOutputOrEveryWorkersPrefixed() throws Exception {
		List<Integer> ids = workerIds();
		SampleCommandLine.Result one = this.cluster.command("logs", String.valueOf(ids.get(0)), "-n", "500");
		assertThat(one.exit()).as(one.toString()).isZero();
		assertThat(one.out()).contains("Started SampleApplication").doesNotContain("[worker ");
		SampleCommandLine.Result few = this.cluster.command("logs", String.valueOf(ids.get(0)), "-n", "3");
		assertThat(few.out().lines().count() + few.err().lines().count()).isEqualTo(3);
		SampleCommandLine.Result all = this.cluster.command("logs", "-n", "1000");
		assertThat(all.exit()).as(all.toString()).isZero();
		assertThat(all.out()).contains("[worker " + ids.get(0) + "] ", "[worker " + ids.get(1) + "] ");
		// The last lines of each worker, however much more one of them wrote lately
		SampleCommandLine.Result lastOfEach = this.cluster.command("logs", "-n", "1");
		assertThat(lastOfEach.out().lines().count() + lastOfEach.err().lines().count()).isEqualTo(2);
		assertThat(lastOfEach.out() + lastOfEach.err()).contains("[worker " + ids.get(0) + "] ",
				"[worker " + ids.get(1) + "] ");
		SampleCommandLine.Result unknown = this.cluster.command("logs", "999");
		assertThat(unknown.exit()).isEqualTo(1);
		assertThat(unknown.err()).contains("no output of worker 999 is kept");
		SampleCommandLine.Result typo = this.cluster.command("logs", "-x");
		assertThat(typo.exit()).isEqualTo(2);
		assertThat(typo.err()).contains("unknown option '-x' for logs");
	}

	@Test
	@Order(3)
	void scaleWaitsUntilTheNewWorkerServesWhileLogsFollowItsOutput() throws Exception {
		Path followed = this.temp.resolve("follow.out");
		Process follow = new ProcessBuilder(SampleCommandLine.java().toString(), "-Djarmode=cluster", "-jar",
				this.temp.resolve("app.jar").toString(), "--dir", this.cluster.controlDirectory().toString(), "logs",
				"-f", "-n", "0")
			.redirectErrorStream(true)
			.redirectOutput(followed.toFile())
			.start();
		try {
			SampleCommandLine.Result up = this.cluster.command("scale", "3");
			assertThat(up.exit()).as(up.toString()).isZero();
			assertThat(up.out()).containsPattern("worker (\\d+) forked in slot 2")
				.containsPattern("worker \\d+ ready, listening on port " + this.cluster.port())
				.contains("scale completed");
			// It waited: the new worker serves as soon as the command returns
			assertThat(states()).containsExactly("listening", "listening", "listening");
			int added = workerIds().get(2);
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(Files.readString(followed))
				.containsPattern("\\[worker " + added + "\\] .*Started SampleApplication"));
			assertThat(follow.isAlive()).as("logs -f follows until stopped").isTrue();
		}
		finally {
			follow.destroy();
			follow.waitFor(30, TimeUnit.SECONDS);
		}
		SampleCommandLine.Result down = this.cluster.command("scale", "2");
		assertThat(down.exit()).as(down.toString()).isZero();
		assertThat(down.out()).containsPattern("worker \\d+ exited with code 0");
		assertThat(states()).containsExactly("listening", "listening");
		SampleCommandLine.Result bad = this.cluster.command("scale", "0");
		assertThat(bad.exit()).isEqualTo(2);
		assertThat(bad.err()).contains("must be a whole number of at least 1, not '0'");
	}

	@Test
	@Order(4)
	void restartReplacesOneWorkerAndReportsAnUnknownOne() throws Exception {
		List<Integer> before = workerIds();
		SampleCommandLine.Result restart = this.cluster.command("restart", String.valueOf(before.get(0)));
		assertThat(restart.exit()).as(restart.toString()).isZero();
		assertThat(restart.out()).contains("worker " + before.get(0) + " exited with code 0", "restart completed");
		List<Integer> after = workerIds();
		assertThat(after).doesNotContain(before.get(0)).contains(before.get(1)).hasSize(2);
		assertThat(states()).containsExactly("listening", "listening");
		SampleCommandLine.Result unknown = this.cluster.command("restart", "999");
		assertThat(unknown.exit()).isEqualTo(1);
		assertThat(unknown.err()).contains("restart refused: No live worker with id 999");
	}

	@Test
	@Order(5)
	void reloadWaitsForEveryReplacementAndAnAbortedOneExitsNonZeroWithTheReason() throws Exception {
		assertThat(this.cluster.log()).contains("SIGHUP is ignored by this process, as the process that started it "
				+ "ignored it (nohup does), and the JVM keeps it ignored: kill -HUP does not reload the cluster. Reload "
				+ "with 'java -Djarmode=cluster -jar " + this.temp.resolve("app.jar") + " reload' instead.")
			.contains("SIGINT is ignored by this process");
		List<Integer> before = workerIds();
		SampleCommandLine.Result reload = this.cluster.command("reload", "--json");
		assertThat(reload.exit()).as(reload.toString()).isZero();
		JsonNode answer = json.readTree(reload.out());
		assertThat(answer.get("command").asString()).isEqualTo("reload");
		assertThat(answer.get("result").asString()).isEqualTo("completed");
		assertThat(reload.err()).contains("rolling restart started", "rolling restart completed: 2 workers replaced");
		List<Integer> replaced = workerIds();
		assertThat(replaced).hasSize(2).doesNotContainAnyElementsOf(before);
		assertThat(states()).containsExactly("listening", "listening");

		Files.writeString(this.marker, "new workers fail while this file exists");
		try {
			// As systemctl reload runs it: the unit's ExecReload, which finds the cluster through the unit's variable
			SampleCommandLine.Result aborted = SampleCommandLine.exec(
					SampleSystemdUnit.load().command("ExecReload", SampleCommandLine.java(), this.temp.resolve("app.jar")),
					Map.of(CONTROL_DIRECTORY, this.cluster.controlDirectory().toString()));
			assertThat(aborted.exit()).as(aborted.toString()).isEqualTo(1);
			assertThat(aborted.out()).contains("rolling restart aborted");
			assertThat(aborted.err()).containsPattern("cluster: reload failed: .*exited with code 1");
		}
		finally {
			Files.delete(this.marker);
		}
		// The workers that were not replaced keep serving
		assertThat(workerIds()).containsExactlyElementsOf(replaced);
		assertThat(this.cluster.log()).contains(this.marker + " exists");
	}

	@Test
	@Order(6)
	void garbageOnTheSocketIsAnsweredAndHarmsNothing() throws Exception {
		Path socket = this.cluster.controlDirectory().resolve(this.name + ".sock");
		assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
		assertThat(Files.getPosixFilePermissions(this.cluster.controlDirectory()))
			.isEqualTo(PosixFilePermissions.fromString("rwx------"));
		assertThat(raw(socket, "this is not json\n")).isEqualTo("e cluster: bad request: not JSON\nx 2\n");
		assertThat(raw(socket, "{\"args\":[\"status\",7]}\n")).contains("bad request", "x 2");
		assertThat(raw(socket, "{\"args\":[\"rm\",\"-rf\"]}\n")).contains("unknown command 'rm'", "x 2");
		assertThat(raw(socket, "x".repeat(200_000) + "\n")).contains("longer than 65536 bytes", "x 2");
		assertThat(raw(socket, "")).isEmpty();
		SampleCommandLine.Result status = this.cluster.command("status");
		assertThat(status.exit()).as(status.toString()).isZero();
		assertThat(status.out()).contains("2/2 workers serving");
	}

	@Test
	@Order(7)
	void anotherUserIsRefusedByTheFileModesAndByItsCredentials() throws Exception {
		assumeTrue(System.getProperty("user.name").equals("root") && Files.isExecutable(Path.of("/usr/bin/setpriv")),
				"needs root, to run the command line as 'nobody'");
		// The stranger needs a jar it can read, outside this test's private directory
		Path shared = Files.createTempDirectory("sample-control-shared");
		Path directory = this.cluster.controlDirectory();
		Path socket = directory.resolve(this.name + ".sock");
		try {
			Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
			Path jar = Files.copy(this.temp.resolve("app.jar"), shared.resolve("app.jar"));
			Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
			List<String> nobody = List.of("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups");
			SampleCommandLine.Result byModes = SampleCommandLine.run(nobody, SampleCommandLine.java(), jar, directory,
					"status");
			assertThat(byModes.exit()).as(byModes.toString()).isEqualTo(4);
			assertThat(byModes.err()).contains("permission denied");
			// Loosened modes (a mistake, or a shared directory): the peer's credentials still refuse it
			List<Path> opened = List.of(this.temp, directory.getParent().getParent(), directory.getParent(), directory);
			for (Path path : opened) {
				Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
			}
			Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
			try {
				SampleCommandLine.Result byCredentials = SampleCommandLine.run(nobody, SampleCommandLine.java(), jar,
						directory, "stop");
				assertThat(byCredentials.exit()).as(byCredentials.toString()).isEqualTo(4);
				assertThat(byCredentials.err()).contains("this cluster runs as 'root'", "you are 'nobody'");
			}
			finally {
				Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
				for (Path path : opened) {
					Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
				}
			}
			assertThat(this.cluster.log()).contains("refused a connection from user 'nobody'");
			assertThat(this.cluster.process().isAlive()).isTrue();
			assertThat(states()).containsExactly("listening", "listening");
		}
		finally {
			FileSystemUtils.deleteRecursively(shared);
		}
	}

	@Test
	@Order(8)
	void statusAndMonitShowTheClusterInARealTerminal() throws Exception {
		assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")), "needs tmux (.ci/run installs it)");
		Path tmuxSocket = this.temp.resolve("tmux.sock");
		String command = SampleCommandLine.java() + " -Djarmode=cluster -jar " + this.temp.resolve("app.jar") + " --dir "
				+ this.cluster.controlDirectory();
		try {
			tmux(tmuxSocket, "new-session", "-d", "-s", "ops", "-x", "180", "-y", "40", "sh");
			tmux(tmuxSocket, "set-option", "-g", "remain-on-exit", "on");
			tmux(tmuxSocket, "send-keys", "-t", "ops", command + " status; echo EXIT=$?", "Enter");
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(tmux(tmuxSocket, "capture-pane", "-p",
					"-t", "ops")).contains("EXIT=0").contains("2/2 workers serving").containsPattern("ID +SLOT +PID"));
			tmux(tmuxSocket, "send-keys", "-t", "ops", "clear; " + command + " monit", "Enter");
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(tmux(tmuxSocket, "capture-pane", "-p",
					"-t", "ops")).contains("refreshed every second; Ctrl-C to quit", "cluster " + this.name)
				.doesNotContain("EXIT="));
			String first = tmux(tmuxSocket, "capture-pane", "-p", "-t", "ops");
			for (String pid : workerPids()) {
				assertThat(first).containsPattern("\\n *\\d+ +[01] +" + pid + " +listening");
			}
			// Under the table, what the cluster did last: the earlier tests' restarts, for one
			assertThat(first).contains("last events").containsPattern("\\d\\d:\\d\\d:\\d\\d  worker \\d+ exited with code 0");
			// Live: the screen is redrawn (its clock moves) while it stays one screen, not a scroll of tables
			await().atMost(Duration.ofSeconds(30)).until(() -> !clock(tmux(tmuxSocket, "capture-pane", "-p", "-t", "ops"))
				.equals(clock(first)));
			String later = tmux(tmuxSocket, "capture-pane", "-p", "-t", "ops");
			assertThat(later.split("ID +SLOT", -1)).hasSize(2);
			tmux(tmuxSocket, "send-keys", "-t", "ops", "C-c");
			tmux(tmuxSocket, "send-keys", "-t", "ops", "echo MONIT-ENDED=$?", "Enter");
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(tmux(tmuxSocket, "capture-pane", "-p",
					"-t", "ops")).contains("MONIT-ENDED=130"));
		}
		finally {
			new ProcessBuilder("tmux", "-S", tmuxSocket.toString(), "kill-server").start().waitFor(30, TimeUnit.SECONDS);
		}
		// The primary noticed the client go and carries on
		assertThat(this.cluster.command("status").exit()).isZero();
	}

	@Test
	@Order(9)
	void stopStopsTheClusterGracefullyAndWaitsThenNoClusterAnswers() throws Exception {
		Path directory = this.cluster.controlDirectory();
		assertThat(Files.readString(directory.resolve(this.name + ".pid")).trim())
			.isEqualTo(String.valueOf(this.cluster.process().pid()));
		List<ProcessHandle> workers = this.cluster.process().toHandle().descendants().toList();
		// As systemctl stop runs it: the unit's ExecStop
		SampleCommandLine.Result stop = SampleCommandLine.exec(
				SampleSystemdUnit.load().command("ExecStop", SampleCommandLine.java(), this.temp.resolve("app.jar")),
				Map.of(CONTROL_DIRECTORY, directory.toString()));
		assertThat(stop.exit()).as(stop.toString()).isZero();
		assertThat(stop.out()).contains("stopping cluster " + this.name, "cluster " + this.name + " stopped")
			.containsPattern("worker \\d+ exited with code 0");
		// It waited: the primary has exited, with 0, and its workers before it
		assertThat(this.cluster.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.cluster.process().exitValue()).isZero();
		assertThat(workers).noneMatch(ProcessHandle::isAlive);
		try (var files = Files.list(directory)) {
			assertThat(files.map((file) -> file.getFileName().toString()).toList()).isEmpty();
		}
		SampleCommandLine.Result none = this.cluster.command("status");
		assertThat(none.exit()).isEqualTo(3);
		assertThat(none.err()).contains("no cluster of io.clusterstarter.sample.SampleApplication runs");
	}

	private List<Integer> workerIds() throws IOException {
		List<Integer> ids = new ArrayList<>();
		this.cluster.cluster().get("workers").forEach((worker) -> ids.add(worker.get("id").asInt()));
		return ids;
	}

	private Set<String> workerPids() throws IOException {
		Set<String> pids = new TreeSet<>();
		this.cluster.cluster().get("workers").forEach((worker) -> pids.add(worker.get("pid").asString()));
		return pids;
	}

	private List<String> states() throws IOException {
		List<String> states = new ArrayList<>();
		this.cluster.cluster().get("workers").forEach((worker) -> states.add(worker.get("state").asString()));
		return states;
	}

	/** Send raw bytes as a client, and read everything the primary answers until it closes. */
	private static String raw(Path socket, String request) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
			try {
				while (out.hasRemaining()) {
					channel.write(out);
				}
				channel.shutdownOutput();
			}
			catch (IOException ex) {
				// The primary stopped reading a request that is too long: its answer is read below
			}
			StringBuilder answer = new StringBuilder();
			ByteBuffer in = ByteBuffer.allocate(8192);
			while (channel.read(in) >= 0) {
				in.flip();
				answer.append(StandardCharsets.UTF_8.decode(in));
				in.clear();
			}
			return answer.toString();
		}
	}

	private static String clock(String screen) {
		return screen.lines().filter((line) -> line.contains("refreshed every second")).findFirst().orElse("");
	}

	private static String tmux(Path socket, String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("tmux %s: %s", List.of(args), output).isZero();
		return output;
	}

}
