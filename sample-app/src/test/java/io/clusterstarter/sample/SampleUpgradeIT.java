package io.clusterstarter.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * Upgrades of the primary itself, on one real cluster of two workers launched from a symlink
 * ({@code releases/current.jar}) with {@code cluster.upgrade.old-primary=wait}, as under systemd:
 * bad artifacts refused with nothing started; a hand-over to a new primary under a stream of new
 * connections, none of which fails, after which only the new release answers, the control
 * socket, the pid file and the status follow the new primary, and the first process stays as the
 * one a service manager watches; a release whose workers fail and one whose primary fails at
 * start stopped while the running primary carries on; SIGUSR2 upgrading to where the symlink
 * points now; the documented systemd unit's {@code ExecReload} upgrading when the starter changed;
 * after each later upgrade, the retired primary exiting and the first process waiting for the
 * newest instead; and the unit's {@code ExecStop} ending the cluster, the first process last with
 * the newest primary's status.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleUpgradeIT {

	/** An upgrade: a new primary and two workers start beside the old ones. */
	private static final Duration UPGRADE = Duration.ofMinutes(4);

	private Path temp;

	private Path releases;

	private SampleCluster cluster;

	private SampleReleases builds;

	private long firstPrimary;

	/** The newest primary, once an upgrade while the first one waits handed the cluster on to it. */
	private long newest;

	@BeforeAll
	void startCluster() throws IOException {
		this.temp = Files.createTempDirectory("sample-upgrade");
		this.releases = Files.createDirectory(this.temp.resolve("releases"));
		Path sample = Path.of(System.getProperty("sample.jar", "target/sample-app.jar"));
		this.builds = new SampleReleases(sample);
		Path first = this.builds.version(this.releases.resolve("app-1.jar"), "1.0.0");
		Files.createSymbolicLink(this.releases.resolve("current.jar"), first.getFileName());
		Path current = this.releases.resolve("current.jar");
		this.cluster = SampleCluster.start(this.temp, List.of(), clusterJdk(), Map.of(),
				List.of("-jar", current.toString()), current, "cluster", "--cluster.workers=2",
				"--cluster.upgrade.old-primary=wait", "--cluster.startup-timeout=60s");
		this.cluster.awaitListening(2);
		this.firstPrimary = this.cluster.process().pid();
	}

	/**
	 * The JDK the cluster runs on: the last of {@code it.jdks} (the build passes Temurin 25, on
	 * which the new primary inherits the shared queue's socket), else this one's
	 * ({@code reuse-port} on Java 17).
	 */
	private static String clusterJdk() {
		String jdk = SampleCluster.JAVA_HOME;
		for (String home : System.getProperty("it.jdks", "").split(",")) {
			if (!home.isBlank()) {
				jdk = home.trim();
			}
		}
		return jdk;
	}

	@AfterAll
	void stopCluster() throws IOException {
		// The newest primary is no longer below the first process once the cluster was handed on
		ProcessHandle.of(this.newest).filter((newest) -> this.newest > 0).ifPresent((newest) -> {
			newest.descendants().forEach(ProcessHandle::destroyForcibly);
			newest.destroyForcibly();
		});
		SampleCluster.closeAndDelete(this.cluster, this.temp);
	}

	@Test
	@Order(1)
	void badArtifactsAreRefusedWithTheReasonAndNothingIsStarted() throws Exception {
		JsonNode before = this.cluster.cluster();
		Files.writeString(this.releases.resolve("notes.jar"), "not a jar");
		this.builds.anotherApplication(this.releases.resolve("shop.jar"));
		int newer = 99;
		this.builds.builtForJava(this.releases.resolve("newer-java.jar"), newer);
		this.builds.speakingProtocol(this.releases.resolve("before-upgrades.jar"), IpcProtocol.VERSION);

		assertRefused("missing.jar", this.releases.resolve("missing.jar") + " does not exist");
		assertRefused("notes.jar", "is not a jar");
		assertRefused("shop.jar", "is another application: it starts io.clusterstarter.sample.WhoAmIController");
		assertRefused("newer-java.jar", "is built for Java " + newer);
		assertRefused("before-upgrades.jar", "contains a starter older than upgrades: its primary could not take over "
				+ "the port");

		JsonNode after = this.cluster.cluster();
		assertThat(after.get("primary").get("pid").asLong()).isEqualTo(this.firstPrimary);
		assertThat(after.get("primary").get("counters").get("forks")).isEqualTo(before.get("primary").get("counters").get("forks"));
		assertThat(this.cluster.process().toHandle().children().filter(SampleUpgradeIT::isNewPrimary))
			.as("no new primary was started").isEmpty();
	}

	@Test
	@Order(2)
	void newPrimaryTakesOverThePortWithoutALostRequest() throws Exception {
		this.builds.version(this.releases.resolve("app-2.jar"), "2.0.0");
		JsonNode before = this.cluster.cluster();
		assertThat(before.get("primary").get("runs").get("version").asString()).isEqualTo("1.0.0");
		try (Load load = new Load(this.cluster.port())) {
			load.awaitAnswers(20);
			SampleCommandLine.Result upgrade = this.cluster.command("upgrade", this.releases.resolve("app-2.jar").toString());
			assertThat(upgrade.exit()).as(upgrade.toString()).isZero();
			assertThat(upgrade.out()).contains("upgrade of the primary to 2.0.0 started", "upgrade to 2.0.0 completed");
			// Once the old workers have left, only the new release answers
			await().atMost(UPGRADE).untilAsserted(() -> assertThat(load.versionsSince(20)).containsOnly("2.0.0"));
			load.awaitAnswers(load.answered() + 20);
			assertThat(load.failures()).as("requests that failed during the upgrade").isEmpty();
			assertThat(load.versions()).containsOnly("1.0.0", "2.0.0");
		}
		JsonNode after = this.cluster.cluster();
		long newPrimary = after.get("primary").get("pid").asLong();
		// The new primary's workers get connections as the old ones did: the same socket, or the same group
		assertThat(after.get("primary").get("scheduling").asString())
			.isEqualTo(before.get("primary").get("scheduling").asString());
		assertThat(newPrimary).isNotEqualTo(this.firstPrimary);
		assertThat(after.get("primary").get("runs").get("version").asString()).isEqualTo("2.0.0");
		assertThat(after.get("primary").get("runs").get("upgradedFrom").asLong()).isEqualTo(this.firstPrimary);
		assertThat(this.cluster.workerVersions()).containsExactly("2.0.0", "2.0.0");
		// The command line finds the new primary without a name, and the pid file names it
		SampleCommandLine.Result status = this.cluster.command("status", "--json");
		assertThat(json.readTree(status.out()).get("primary").get("pid").asLong()).as(status.toString())
			.isEqualTo(newPrimary);
		try (var pidFiles = Files.list(this.cluster.controlDirectory())) {
			assertThat(pidFiles.filter((file) -> file.toString().endsWith(".pid")).toList()).singleElement()
				.satisfies((file) -> assertThat(Files.readString(file).strip()).isEqualTo(String.valueOf(newPrimary)));
		}
		// The first process stays, for the service manager, with no worker of its own
		await().atMost(UPGRADE).untilAsserted(() -> assertThat(this.cluster.log())
			.contains("This primary stays as the process the service manager watches until the new primary (pid "
					+ newPrimary + ") exits"));
		assertThat(this.cluster.process().isAlive()).isTrue();
		assertThat(this.cluster.process().toHandle().children().filter(SampleUpgradeIT::isNewPrimary)
			.map(ProcessHandle::pid)).containsExactly(newPrimary);
		assertThat(this.cluster.process().toHandle().children().filter(SampleUpgradeIT::isWorker)).isEmpty();
	}

	@Test
	@Order(3)
	void releaseWhoseWorkersFailIsStoppedAndThePrimaryCarriesOn() throws Exception {
		long primary = this.cluster.cluster().get("primary").get("pid").asLong();
		this.builds.version(this.releases.resolve("app-3.jar"), "3.0.0", "sample.fail-at-startup=true");
		SampleCommandLine.Result upgrade = this.cluster.command("upgrade", this.releases.resolve("app-3.jar").toString(), "--json");
		assertThat(upgrade.exit()).as(upgrade.toString()).isEqualTo(1);
		assertThat(json.readTree(upgrade.out()).get("reason").asString()).contains("of the new primary exited",
				"before it was ready");
		assertThat(upgrade.err()).contains("upgrade to 3.0.0 failed");
		assertThat(this.cluster.cluster().get("primary").get("pid").asLong()).isEqualTo(primary);
		assertThat(this.cluster.versionAnswered()).isEqualTo("2.0.0");
		assertThat(ProcessHandle.of(primary).orElseThrow().children().filter(SampleUpgradeIT::isNewPrimary))
			.as("the failed primary was stopped").isEmpty();
	}

	@Test
	@Order(4)
	void releaseWhosePrimaryFailsAtStartIsStoppedAndThePrimaryCarriesOn() throws Exception {
		long primary = this.cluster.cluster().get("primary").get("pid").asLong();
		this.builds.version(this.releases.resolve("app-4.jar"), "4.0.0", "cluster.restart.policy=sometimes");
		SampleCommandLine.Result upgrade = this.cluster.command("upgrade", this.releases.resolve("app-4.jar").toString());
		assertThat(upgrade.exit()).as(upgrade.toString()).isEqualTo(1);
		assertThat(upgrade.toString()).contains("upgrade to 4.0.0 failed",
				"the new primary exited with status 1 before its workers were ready");
		assertThat(this.cluster.log()).contains("Failed to bind properties under 'cluster.restart.policy'");
		assertThat(this.cluster.cluster().get("primary").get("pid").asLong()).isEqualTo(primary);
		assertThat(this.cluster.workerVersions()).containsExactly("2.0.0", "2.0.0");
	}

	@Test
	@Order(5)
	void sigusr2UpgradesToWhereTheSymlinkPointsNow() throws Exception {
		long primary = this.cluster.cluster().get("primary").get("pid").asLong();
		this.builds.version(this.releases.resolve("app-5.jar"), "5.0.0");
		Path current = this.releases.resolve("current.jar");
		Files.delete(current);
		Files.createSymbolicLink(current, Path.of("app-5.jar"));
		Runtime.getRuntime().exec(new String[] { "kill", "-USR2", String.valueOf(primary) }).waitFor();
		await().atMost(UPGRADE).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() -> {
			JsonNode now = this.cluster.cluster();
			assertThat(now.get("primary").get("runs").get("version").asString()).isEqualTo("5.0.0");
			assertThat(now.get("primary").get("runs").get("upgradedFrom").asLong()).isEqualTo(primary);
			assertThat(this.cluster.workerVersions()).containsExactly("5.0.0", "5.0.0");
		});
		assertThat(this.cluster.versionAnswered()).isEqualTo("5.0.0");
		assertHandedOn(primary, this.cluster.cluster().get("primary").get("pid").asLong());
	}

	/**
	 * A primary that an upgrade retired while the first one waits does not wait as well: it
	 * hands the cluster on to the new primary and exits, and the first one waits for that one.
	 */
	private void assertHandedOn(long retired, long newest) {
		this.newest = newest;
		await().atMost(UPGRADE).untilAsserted(() -> assertThat(this.cluster.log())
			.contains("Exiting: the primary that the service manager watches (pid " + this.firstPrimary
					+ ") now waits for the new primary (pid " + newest + ") instead of this one")
			.contains("The primary (pid " + retired + ") handed the cluster on to a new primary (pid " + newest
					+ "): this primary now waits for that one"));
		await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(retired).isEmpty()
				|| !ProcessHandle.of(retired).get().isAlive());
		assertThat(this.cluster.process().isAlive()).as("the first process, which a service manager watches").isTrue();
		assertThat(this.cluster.process().toHandle().descendants()).as("nothing is left below the first process")
			.isEmpty();
	}

	@Test
	@Order(6)
	void unitsReloadUpgradesThePrimaryWhenTheStarterChanged() throws Exception {
		long primary = this.cluster.cluster().get("primary").get("pid").asLong();
		String starter = this.cluster.cluster().get("primary").get("runs").get("starter").asString();
		this.builds.starterVersion(this.releases.resolve("app-6.jar"), "6.0.0", starter + "-next");
		Path current = this.releases.resolve("current.jar");
		Files.delete(current);
		Files.createSymbolicLink(current, Path.of("app-6.jar"));
		// As systemctl reload runs it: the unit's ExecReload
		SampleCommandLine.Result reload = SampleCommandLine.exec(
				SampleSystemdUnit.load().command("ExecReload", SampleCommandLine.java(), current),
				Map.of("CLUSTER_CONTROL_DIRECTORY", this.cluster.controlDirectory().toString()));
		assertThat(reload.exit()).as(reload.toString()).isZero();
		assertThat(reload.out()).contains("upgrade to 6.0.0 completed");
		JsonNode now = this.cluster.cluster();
		assertThat(now.get("primary").get("runs").get("starter").asString()).isEqualTo(starter + "-next");
		assertThat(now.get("primary").get("runs").get("upgradedFrom").asLong()).isEqualTo(primary);
		assertThat(this.cluster.log()).contains("carries another starter than this primary's (" + starter
				+ "): reloading upgrades the primary");
		assertHandedOn(primary, now.get("primary").get("pid").asLong());
	}

	@Test
	@Order(7)
	void unitsStopEndsTheWholeChain() throws Exception {
		ProcessHandle newest = ProcessHandle.of(this.newest).orElseThrow();
		List<ProcessHandle> workers = newest.children().filter(SampleUpgradeIT::isWorker).toList();
		assertThat(workers).hasSize(2);
		// As systemctl stop runs it: the unit's ExecStop reaches the newest primary
		SampleCommandLine.Result stop = SampleCommandLine.exec(
				SampleSystemdUnit.load().command("ExecStop", SampleCommandLine.java(), this.releases.resolve("current.jar")),
				Map.of("CLUSTER_CONTROL_DIRECTORY", this.cluster.controlDirectory().toString()));
		assertThat(stop.exit()).as(stop.toString()).isZero();
		// The first process, the one systemd watches, ends with the newest primary's status
		assertThat(this.cluster.process().waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		assertThat(this.cluster.process().exitValue()).isZero();
		assertThat(this.cluster.log()).contains("The new primary (pid " + this.newest + ") exited with status 0");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> !newest.isAlive() && workers.stream().noneMatch(ProcessHandle::isAlive));
	}

	private void assertRefused(String artifact, String reason) throws Exception {
		SampleCommandLine.Result upgrade = this.cluster.command("upgrade", this.releases.resolve(artifact).toString(), "--json");
		assertThat(upgrade.exit()).as(upgrade.toString()).isEqualTo(1);
		JsonNode answer = json.readTree(upgrade.out());
		assertThat(answer.get("result").asString()).isEqualTo("refused");
		assertThat(answer.get("reason").asString()).contains(reason);
	}

	/**
	 * A primary started by an upgrade: its old primary, its parent, passed it its own pid (the
	 * processes a new primary starts inherit the variable, but not from their parent).
	 */
	private static boolean isNewPrimary(ProcessHandle process) {
		try {
			String from = SampleCluster.environmentOf(process.pid()).get("CLUSTER_UPGRADE_FROM");
			return from != null && process.parent().map((parent) -> String.valueOf(parent.pid()).equals(from)).orElse(false);
		}
		catch (IOException ex) {
			return false; // gone
		}
	}

	private static boolean isWorker(ProcessHandle process) {
		return hasVariable(process, "CLUSTERSTARTER_IPC_SOCKET");
	}

	private static boolean hasVariable(ProcessHandle process, String name) {
		try {
			return SampleCluster.environmentOf(process.pid()).containsKey(name);
		}
		catch (IOException ex) {
			return false; // gone
		}
	}

	/**
	 * A stream of requests, each on a new connection, from a thread of its own: the version
	 * each answer came from, and every request that failed.
	 */
	private static final class Load implements AutoCloseable {

		private final int port;

		private final List<String> versions = new CopyOnWriteArrayList<>();

		private final Map<Integer, String> failures = new ConcurrentHashMap<>();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread thread;

		Load(int port) {
			this.port = port;
			this.thread = new Thread(this::run, "upgrade-load");
			this.thread.start();
		}

		private void run() {
			int request = 0;
			while (this.running.get()) {
				request++;
				try {
					this.versions.add(json.readTree(SampleHttp.get(this.port, "/")).get("version").asString());
				}
				catch (IOException | RuntimeException ex) {
					this.failures.put(request, ex.toString());
				}
			}
		}

		int answered() {
			return this.versions.size();
		}

		void awaitAnswers(int count) {
			await().atMost(Duration.ofMinutes(1)).until(() -> this.versions.size() >= count);
		}

		List<String> versions() {
			return List.copyOf(this.versions);
		}

		/** The versions of the last answers. */
		List<String> versionsSince(int last) {
			List<String> all = versions();
			return all.subList(Math.max(0, all.size() - last), all.size());
		}

		Map<Integer, String> failures() {
			return Map.copyOf(this.failures);
		}

		@Override
		public void close() throws InterruptedException {
			this.running.set(false);
			this.thread.join(30_000);
		}

	}

}
