package io.clusterstarter.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.clusterstarter.ipc.IpcProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import static io.clusterstarter.sample.SampleCluster.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deploys of the packaged sample, on one real cluster of two workers launched as a
 * Capistrano-style layout would ({@code java -jar releases/current.jar}, a symlink): bad
 * artifacts refused with nothing touched, a new version rolled onto every worker, a version
 * that fails at start-up and one that never gets ready rolled back, an old worker crashing
 * during a deploy replaced by the old release, SIGHUP following the symlink, and the launched
 * jar overwritten in place, renamed over and deleted while the cluster runs, which a crash
 * replacement, a deploy, a rolling restart and the graceful stop all survive.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleDeployIT {

	/** A deploy: two workers replaced one after the other, while the release's image is made. */
	private static final Duration DEPLOY = Duration.ofMinutes(4);

	/**
	 * How long a worker may take to get ready; the one that never does is killed after it. A
	 * healthy sample worker is ready in 5 to 20 s on two busy cores.
	 */
	private static final String STARTUP_TIMEOUT = "30s";

	private Path temp;

	private Path releases;

	private SampleCluster cluster;

	private SampleReleases builds;

	private String launchedVersion;

	@BeforeAll
	void startCluster() throws IOException {
		this.temp = Files.createTempDirectory("sample-deploy");
		this.releases = Files.createDirectory(this.temp.resolve("releases"));
		Path sample = Path.of(System.getProperty("sample.jar", "target/sample-app.jar"));
		this.builds = new SampleReleases(sample);
		Path first = Files.copy(sample, this.releases.resolve("app-1.jar"));
		Files.createSymbolicLink(this.releases.resolve("current.jar"), first.getFileName());
		this.cluster = SampleCluster.start(this.temp, this.releases.resolve("current.jar"), "cluster",
				"--cluster.workers=2", "--cluster.deploy.directory=" + this.releases,
				"--management.endpoint.cluster.access=unrestricted", "--cluster.startup-timeout=" + STARTUP_TIMEOUT);
		this.cluster.awaitListening(2);
		this.launchedVersion = this.cluster.cluster().get("primary").get("release").get("version").asString();
	}

	@AfterAll
	void stopCluster() throws IOException {
		SampleCluster.closeAndDelete(this.cluster, this.temp);
	}

	@Test
	@Order(1)
	void badArtifactsAreRefusedWithTheReasonAndNothingIsForked() throws Exception {
		JsonNode before = this.cluster.cluster();
		Files.writeString(this.releases.resolve("notes.jar"), "not a jar");
		Files.writeString(this.temp.resolve("outside.jar"), "outside");
		Files.createSymbolicLink(this.releases.resolve("escape.jar"), this.temp.resolve("outside.jar"));
		this.builds.anotherApplication(this.releases.resolve("shop.jar"));
		int newer = Runtime.version().feature() + 1;
		this.builds.builtForJava(this.releases.resolve("newer-java.jar"), newer);
		this.builds.speakingProtocol(this.releases.resolve("protocol-99.jar"), 99);

		assertRefused("{\"action\":\"deploy\"}", 400, "Action 'deploy' needs 'artifact'");
		assertRefused(deploy("missing.jar"), 400, this.releases.resolve("missing.jar") + " does not exist");
		assertRefused(deploy("notes.jar"), 400, "is not a jar");
		assertRefused(deploy("../outside.jar"), 400, "must not contain '..'");
		assertRefused(deploy(this.temp.resolve("outside.jar").toString()), 400, "is outside cluster.deploy.directory");
		assertRefused(deploy("escape.jar"), 400, "once its symlinks are resolved");
		assertRefused(deploy("shop.jar"), 409, "is another application: it starts "
				+ "io.clusterstarter.sample.WhoAmIController, this cluster runs io.clusterstarter.sample.SampleApplication");
		assertRefused(deploy("newer-java.jar"), 409, "is built for Java " + newer);
		assertRefused(deploy("protocol-99.jar"), 409, "speaks IPC protocol 99; this primary speaks IPC protocol " + IpcProtocol.VERSION);
		assertRefused(deploy("app-1.jar"), 409, "is the release the cluster runs");

		JsonNode after = this.cluster.cluster();
		assertThat(after.get("primary").get("counters").get("forks")).isEqualTo(before.get("primary").get("counters").get("forks"));
		assertThat(pids(after)).isEqualTo(pids(before));
		assertThat(after.get("primary").has("deploy")).isFalse();
	}

	@Test
	@Order(2)
	void deployReplacesEveryWorkerWithTheNewVersionAndRefusesASecondMeanwhile() throws Exception {
		this.builds.version(this.releases.resolve("app-2.jar"), "2.0.0");
		Set<String> before = pids(this.cluster.cluster());
		SampleHttp.Response started = this.cluster.act(deploy("app-2.jar"));
		assertThat(started.status()).as(started.body()).isEqualTo(200);
		assertThat(started.body()).contains("\"version\":\"2.0.0\"");
		// The deploy is still under way
		assertRefused(deploy("app-2.jar"), 409, "A deploy of " + this.releases.resolve("app-2.jar").toRealPath() + " is running");
		assertRefused("{\"action\":\"rolling-restart\"}", 409, "A deploy is running");
		assertThat(this.cluster.cluster().get("primary").get("deploy").get("release").get("version").asString())
			.isEqualTo("2.0.0");

		this.cluster.awaitLog("Deploy COMPLETED: 2.0.0 \\(previously " + this.launchedVersion + "\\)", DEPLOY);
		JsonNode after = this.cluster.cluster();
		assertThat(this.cluster.workerVersions()).containsExactly("2.0.0", "2.0.0");
		assertThat(pids(after)).doesNotContainAnyElementsOf(before);
		assertThat(after.get("primary").get("release").get("version").asString()).isEqualTo("2.0.0");
		assertThat(after.get("primary").get("previousRelease").get("version").asString()).isEqualTo(this.launchedVersion);
		assertThat(answeredVersions(40)).containsOnly("2.0.0");
		assertThat(SampleHttp.get(this.cluster.port(), "/actuator/prometheus"))
			.contains("cluster_workers_release{version=\"2.0.0\"} 2.0");
		String log = this.cluster.log();
		// The roll did not wait for the release's image, which is made meanwhile for later forks
		assertThat(log).contains("Deploy STARTED: 2.0.0")
			.containsPattern("Deploying 2.0.0 .* 2 workers, 1 at a time, from the jar while its image is prepared in the "
					+ "background");
		await().atMost(DEPLOY)
			.until(() -> this.cluster.cluster().get("primary").get("image").get("state").asString().equals("ready"));
	}

	@Test
	@Order(3)
	void versionThatFailsAtStartupIsRolledBack() throws Exception {
		this.builds.version(this.releases.resolve("app-3.jar"), "3.0.0", "sample.fail-at-startup=true");
		// From the command line this time, which waits for the end and says how it went
		SampleCommandLine.Result deploy = this.cluster.command("deploy", this.releases.resolve("app-3.jar").toString(),
				"--json");
		assertThat(deploy.exit()).as(deploy.toString()).isEqualTo(1);
		JsonNode answer = json.readTree(deploy.out());
		assertThat(answer.get("result").asString()).isEqualTo("failed");
		assertThat(answer.get("reason").asString()).contains("rolled back", "exited with code 1 before it was ready");
		assertThat(deploy.err()).contains("deploy of 3.0.0 started (over 2.0.0)", "deploy of 3.0.0 rolled back");
		this.cluster.awaitLog("Deploy ROLLED_BACK: 3.0.0 \\(previously 2.0.0\\)", DEPLOY);
		assertThat(this.cluster.log()).contains("This release fails at start-up (sample.fail-at-startup=true)")
			.containsPattern("Deploy of 3.0.0 \\(app-3.jar, sha256 \\w+\\) rolled back: .*exited with code 1 before it was ready");
		awaitTwoWorkersOn("2.0.0");
		assertThat(answeredVersions(40)).containsOnly("2.0.0");
		assertThat(this.cluster.cluster().get("primary").get("release").get("version").asString()).isEqualTo("2.0.0");
	}

	@Test
	@Order(4)
	void versionThatNeverGetsReadyIsRolledBack() throws Exception {
		this.builds.version(this.releases.resolve("app-4.jar"), "4.0.0", "sample.refuse-readiness=true",
				"management.endpoint.health.group.readiness.include=readinessState,sampleReadiness");
		assertThat(this.cluster.act(deploy("app-4.jar")).status()).isEqualTo(200);
		this.cluster.awaitLog("Deploy ROLLED_BACK: 4.0.0", DEPLOY);
		assertThat(this.cluster.log())
			.contains("Not ready yet: health group 'readiness' is OUT_OF_SERVICE")
			.containsPattern("rolled back: .*before it was ready \\(it was not ready within 30 s of its fork\\)");
		awaitTwoWorkersOn("2.0.0");
		assertThat(answeredVersions(40)).containsOnly("2.0.0");
	}

	@Test
	@Order(5)
	void oldWorkerThatCrashesDuringADeployIsReplacedByTheOldRelease() throws Exception {
		this.builds.version(this.releases.resolve("app-5.jar"), "5.0.0");
		JsonNode slotOne = SampleCluster.workerInSlot(this.cluster.cluster(), 1);
		assertThat(this.cluster.act(deploy("app-5.jar")).status()).isEqualTo(200);
		// Before the roll reaches slot 1: it starts with slot 0
		ProcessHandle.of(slotOne.get("pid").asLong()).ifPresent(ProcessHandle::destroyForcibly);
		JsonNode replacement = await().atMost(SampleCluster.BOOT).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
			.until(() -> SampleCluster.workerInSlot(this.cluster.cluster(), 1),
					(worker) -> worker != null && worker.get("id").asInt() > slotOne.get("id").asInt());
		assertThat(replacement.get("release").get("version").asString()).isEqualTo("2.0.0");
		this.cluster.awaitLog("Deploy COMPLETED: 5.0.0", DEPLOY);
		assertThat(this.cluster.workerVersions()).containsExactly("5.0.0", "5.0.0");
		assertThat(answeredVersions(40)).containsOnly("5.0.0");
	}

	@Test
	@Order(6)
	void sighupFollowsTheSymlinkAndRestartsWhenItsContentIsRunning() throws Exception {
		Path current = this.releases.resolve("current.jar");
		Files.delete(current);
		Files.createSymbolicLink(current, Path.of("app-2.jar"));
		long primary = this.cluster.process().pid();
		Runtime.getRuntime().exec(new String[] { "kill", "-HUP", String.valueOf(primary) }).waitFor();
		this.cluster.awaitLog("Deploy COMPLETED: 2.0.0 \\(previously 5.0.0\\)", DEPLOY);
		assertThat(answeredVersions(20)).containsOnly("2.0.0");
		Set<String> before = pids(this.cluster.cluster());
		Runtime.getRuntime().exec(new String[] { "kill", "-HUP", String.valueOf(primary) }).waitFor();
		this.cluster.awaitLog("Rolling restart completed: 2 workers replaced", DEPLOY);
		assertThat(pids(this.cluster.cluster())).doesNotContainAnyElementsOf(before);
		assertThat(this.cluster.workerVersions()).containsExactly("2.0.0", "2.0.0");
	}

	@Test
	@Order(7)
	void launchedJarOverwrittenInPlaceRenamedOverAndDeletedBreaksNothing() throws Exception {
		// The primary runs from app-1.jar (through current.jar); a rebuild overwrites it in
		// place, as mvn package does
		Path launched = this.releases.resolve("app-1.jar");
		Path rebuilt = this.builds.version(this.temp.resolve("rebuilt.jar"), "6.0.0");
		Files.delete(this.releases.resolve("current.jar"));
		Files.createSymbolicLink(this.releases.resolve("current.jar"), launched.getFileName());
		SampleReleases.overwriteInPlace(launched, rebuilt);
		this.cluster.awaitLog("app-1.jar, the jar this primary was launched from, was overwritten in place",
				Duration.ofSeconds(30));
		// A crash replacement runs its slot's release, not whatever the file holds now
		JsonNode crashed = SampleCluster.workerInSlot(this.cluster.cluster(), 0);
		ProcessHandle.of(crashed.get("pid").asLong()).ifPresent(ProcessHandle::destroyForcibly);
		JsonNode replacement = await().atMost(SampleCluster.BOOT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
			.until(() -> SampleCluster.workerInSlot(this.cluster.cluster(), 0), (worker) -> worker != null
					&& worker.get("id").asInt() > crashed.get("id").asInt() && worker.get("state").asString().equals("listening"));
		assertThat(replacement.get("release").get("version").asString()).isEqualTo("2.0.0");
		// SIGHUP deploys the rebuilt jar: the new user's mvn package, then kill -HUP
		long primary = this.cluster.process().pid();
		Runtime.getRuntime().exec(new String[] { "kill", "-HUP", String.valueOf(primary) }).waitFor();
		this.cluster.awaitLog("Deploy COMPLETED: 6.0.0", DEPLOY);
		assertThat(answeredVersions(20)).containsOnly("6.0.0");

		// Renamed over, then deleted: SIGHUP finds nothing to deploy and restarts every worker
		Path moved = Files.copy(rebuilt, this.temp.resolve("moved.jar"));
		Files.move(moved, launched, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		this.cluster.awaitLog("app-1.jar, the jar this primary was launched from, was replaced by another file",
				Duration.ofSeconds(30));
		Files.delete(launched);
		this.cluster.awaitLog("app-1.jar, the jar this primary was launched from, was deleted", Duration.ofSeconds(30));
		Runtime.getRuntime().exec(new String[] { "kill", "-HUP", String.valueOf(primary) }).waitFor();
		this.cluster.awaitLog("does not exist; restarting every worker on the release it runs", Duration.ofSeconds(30));
		await().atMost(DEPLOY).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(
				this.cluster.log().split("Rolling restart completed: 2 workers replaced", -1).length - 1).isEqualTo(2));
		assertThat(answeredVersions(20)).containsOnly("6.0.0");

		// And the graceful stop: exit 0, every worker gone, the IPC directory removed
		Path ipc = ipcDirectory(SampleCluster.workerInSlot(this.cluster.cluster(), 0).get("pid").asLong());
		this.cluster.stop();
		assertThat(ipc).doesNotExist();
		assertThat(this.cluster.log()).contains("Cluster stopped")
			.doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "Exception in thread");
	}

	private static String deploy(String artifact) {
		return "{\"action\":\"deploy\",\"artifact\":\"" + artifact + "\"}";
	}

	private void assertRefused(String body, int status, String reason) throws IOException {
		SampleHttp.Response response = this.cluster.act(body);
		assertThat(response.status()).as(response.body()).isEqualTo(status);
		assertThat(SampleCluster.json.readTree(response.body()).get("reason").asString()).contains(reason);
	}

	private void awaitTwoWorkersOn(String version) {
		await().atMost(DEPLOY).pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() -> {
			assertThat(this.cluster.workerVersions()).containsExactly(version, version);
			assertThat(this.cluster.cluster().get("primary").has("deploy")).isFalse();
		});
	}

	/** Versions answered by new connections, which the kernel spreads over the workers. */
	private List<String> answeredVersions(int requests) throws IOException {
		List<String> versions = new ArrayList<>();
		for (int i = 0; i < requests; i++) {
			versions.add(this.cluster.versionAnswered());
		}
		return versions;
	}

	private static Set<String> pids(JsonNode cluster) {
		Set<String> pids = new HashSet<>();
		cluster.get("workers").forEach((worker) -> pids.add(worker.get("pid").asString()));
		return pids;
	}

	private static Path ipcDirectory(long workerPid) throws IOException {
		String socket = SampleCluster.environmentOf(workerPid).get("CLUSTERSTARTER_IPC_SOCKET");
		if (socket == null) {
			throw new IllegalStateException("Worker " + workerPid + " has no IPC socket in its environment");
		}
		return Path.of(socket).getParent();
	}

}
