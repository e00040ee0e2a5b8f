package io.clusterstarter.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.clusterstarter.it.ClusterProcess.Response;
import io.clusterstarter.it.ClusterProcess.Server;
import io.clusterstarter.it.apps.reactive.ReactiveTestApplication;
import io.clusterstarter.it.apps.servlet.ServletTestApplication;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The shared accept queue ({@code cluster.balancing}), on a JDK with the Foreign Function API:
 * the primary listens once, from its start, and every ready worker accepts from that one queue, on
 * each embedded server. A frozen worker takes nothing, a killed one loses nothing queued, and
 * nothing listens once the primary is gone.
 */
class SharedQueueIntegrationTests {

	private static Path jdk;

	@BeforeAll
	static void findJdk() {
		jdk = ClusterProcess.jdk(22).orElse(null);
	}

	private static void assumeJdkWithForeignFunctions() {
		assumeThat(jdk).as("a JDK 22 or later, here or in -Dit.jdks (the build finds Temurin 25)").isNotNull();
	}

	@ParameterizedTest
	@EnumSource(value = Server.class, names = { "TOMCAT", "JETTY", "NETTY" })
	void workersAcceptFromThePrimarysOneQueue(Server server) throws Exception {
		assumeJdkWithForeignFunctions();
		Path hold = Files.createTempFile("cluster-hold", ".flag");
		int port = ClusterProcess.freePort();
		try (ClusterProcess cluster = start("shared-queue-" + server.name().toLowerCase(), server, port,
				"--cluster-test.hold-while-file=" + hold)) {
			// The primary listens before any worker is ready: a request made now waits in the queue
			await().atMost(Duration.ofSeconds(60))
				.until(() -> cluster.log().contains("Workers accept from one queue on port " + port));
			assertThat(listeningSockets(port)).hasSize(1).allSatisfy((line) -> assertThat(line)
				.contains("pid=" + cluster.pid() + ","));
			CompletableFuture<Response> early = CompletableFuture
				.supplyAsync(() -> ClusterProcess.get(port, "/", Duration.ofSeconds(180)));
			assertThat(cluster.log()).doesNotContain("listening in");
			Files.delete(hold);
			assertThat(early.get(180, TimeUnit.SECONDS).status()).isEqualTo(200);
			Map<Integer, Long> workers = cluster.awaitListening(2, Duration.ofSeconds(120));
			assertThat(cluster.cluster().get("primary").get("scheduling").asString()).isEqualTo("shared-queue");
			// One socket, which the primary and both workers hold
			List<String> sockets = listeningSockets(port);
			assertThat(sockets).hasSize(1);
			assertThat(Listeners.on(port)).containsExactlyInAnyOrderElementsOf(withPrimary(cluster, workers));
			// Each worker answers once before answers are timed: a worker's first request does
			// one-time work (the dispatcher servlet's start, on a cold JVM). In two full CI runs one
			// request of a just-ready cluster waited more than 5 s (Jetty, then Reactor Netty), never
			// in 17 runs of this case alone, under two busy loops too; so answers are timed at 15 s,
			// and a request that misses it says where it waited
			Set<Long> answered = new HashSet<>();
			await().atMost(Duration.ofSeconds(120)).until(() -> {
				Response response = ClusterProcess.get(port, "/", Duration.ofSeconds(30));
				answered.add(ClusterProcess.json.readTree(response.body()).get("pid").asLong());
				return answered.containsAll(workers.values());
			});
			// New connections reach both workers
			Map<Long, Integer> counts = countByWorker(port, 40);
			assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(workers.values());
			// A frozen worker takes no new connection: every one goes to the other worker
			long frozen = workers.get(1);
			long other = workers.get(2);
			ClusterProcess.signal("STOP", frozen);
			try {
				assertThat(countByWorker(port, 20)).containsOnlyKeys(other).containsEntry(other, 20);
			}
			finally {
				ClusterProcess.signal("CONT", frozen);
			}
			// What waits in the queue survives a worker's kill: both frozen, requests queue, one killed
			ClusterProcess.signal("STOP", frozen, other);
			List<CompletableFuture<Response>> queued = new ArrayList<>();
			// A thread per request, whatever the common pool's size: all 8 must wait at once
			ExecutorService clients = Executors.newFixedThreadPool(8);
			try {
				for (int i = 0; i < 8; i++) {
					queued.add(CompletableFuture
						.supplyAsync(() -> ClusterProcess.get(port, "/", Duration.ofSeconds(60)), clients));
				}
				// Connected, with nobody running to accept them: they wait in the queue
				await().atMost(Duration.ofSeconds(20)).until(() -> clientConnections(port) >= 8);
				ClusterProcess.signal("KILL", frozen);
			}
			finally {
				ClusterProcess.signal("CONT", other);
			}
			try {
				for (CompletableFuture<Response> request : queued) {
					Response response = request.get(60, TimeUnit.SECONDS);
					assertThat(response.status()).isEqualTo(200);
					assertThat(ClusterProcess.json.readTree(response.body()).get("pid").asLong()).isEqualTo(other);
				}
			}
			finally {
				clients.shutdownNow();
			}
			// A rolling restart under load loses nothing, without net.ipv4.tcp_migrate_req: neither
			// requests on new connections nor those on keep-alive connections, which the workers
			// that leave close with framed answers
			cluster.awaitListening(2, Duration.ofSeconds(120));
			int rollsBefore = occurrences(cluster.log(), "Rolling restart completed");
			LoadClient client = LoadClient.start(port);
			KeepAliveClient keepAlive = KeepAliveClient.start(port, 4);
			try (client; keepAlive) {
				cluster.signal("HUP");
				await().atMost(Duration.ofSeconds(120))
					.until(() -> occurrences(cluster.log(), "Rolling restart completed") > rollsBefore);
			}
			client.assertNoneLost();
			assertThat(client.succeeded()).isGreaterThan(50);
			keepAlive.assertNoneLost();
			assertThat(keepAlive.answered()).isGreaterThan(50);
			assertThat(keepAlive.closeAnswers()).isPositive();
			// Workers that stop still log: their inherited socket is never closed under them
			assertThat(cluster.log()).containsPattern("\\[worker \\d+\\] .*(Graceful shutdown complete|"
					+ "Stopped ServerConnector|Netty)");
			cluster.signal("TERM");
			assertThat(cluster.awaitExit(Duration.ofSeconds(60))).isZero();
			assertThat(listeningSockets(port)).isEmpty();
		}
		finally {
			Files.deleteIfExists(hold);
		}
	}

	@Test
	void nothingListensOnceAKilledPrimarysWorkersHaveGone() throws Exception {
		assumeJdkWithForeignFunctions();
		int port = ClusterProcess.freePort();
		try (ClusterProcess cluster = start("shared-queue-primary-killed", Server.TOMCAT, port)) {
			Map<Integer, Long> workers = cluster.awaitListening(2, Duration.ofSeconds(120));
			cluster.signal("KILL");
			assertThat(cluster.awaitExit(Duration.ofSeconds(30))).isEqualTo(137);
			// Workers that lose their primary leave, and with them the last copies of the socket
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
				assertThat(workers.values()).noneMatch((pid) -> ProcessHandle.of(pid).map(ProcessHandle::isAlive)
					.orElse(false));
				assertThat(listeningSockets(port)).isEmpty();
			});
		}
	}

	@Test
	void reusePortCanBeChosenWhereTheSharedQueueRuns() throws Exception {
		assumeJdkWithForeignFunctions();
		int port = ClusterProcess.freePort();
		try (ClusterProcess cluster = start("shared-queue-declined", Server.TOMCAT, port,
				"--cluster.balancing=reuse-port")) {
			Map<Integer, Long> workers = cluster.awaitListening(2, Duration.ofSeconds(120));
			assertThat(cluster.log()).contains("Workers listen on port " + port + " with SO_REUSEPORT",
					"cluster.balancing=reuse-port");
			assertThat(cluster.cluster().get("primary").get("scheduling").asString()).isEqualTo("reuse-port");
			// A listener per worker; the primary's reservation does not listen
			assertThat(listeningSockets(port)).hasSize(2);
			assertThat(Listeners.on(port)).containsExactlyInAnyOrderElementsOf(workers.values());
			assertThat(countByWorker(port, 40).keySet()).containsExactlyInAnyOrderElementsOf(workers.values());
			ClusterProcess.stopCleanly(cluster);
		}
	}

	@Test
	void sharedQueueRequestedWhereItIsNotAvailableIsAFailureReportBeforeAnyFork() throws Exception {
		assumeThat(Runtime.version().feature()).as("the build's JDK lacks the Foreign Function API").isLessThan(22);
		try (ClusterProcess cluster = ClusterProcess.start("shared-queue-unavailable", Server.TOMCAT,
				ServletTestApplication.class, List.of(), List.of("--cluster.balancing=shared-queue"),
				ClusterProcess.freePort())) {
			assertThat(cluster.awaitExit(Duration.ofSeconds(60))).isNotZero();
			assertThat(cluster.log()).contains("APPLICATION FAILED TO START", "Description:",
					"cluster.balancing=shared-queue, but it needs Java 22 or later", "Action:",
					"set 'cluster.balancing=auto'")
				.doesNotContain("[worker ");
		}
	}

	@Test
	void autoFallsBackToReusePortAndSaysWhyOnAJdkWithoutTheForeignFunctionApi() throws Exception {
		assumeThat(Runtime.version().feature()).as("the build's JDK lacks the Foreign Function API").isLessThan(22);
		int port = ClusterProcess.freePort();
		try (ClusterProcess cluster = ClusterProcess.start("shared-queue-fallback", Server.TOMCAT,
				ServletTestApplication.class, List.of(), List.of("--cluster.workers=2",
						"--management.endpoints.web.exposure.include=cluster"), port)) {
			Map<Integer, Long> workers = cluster.awaitListening(2, Duration.ofSeconds(120));
			assertThat(cluster.log()).contains("Workers listen on port " + port + " with SO_REUSEPORT",
					"the shared queue is not available: it needs Java 22 or later");
			assertThat(cluster.cluster().get("primary").get("scheduling").asString()).isEqualTo("reuse-port");
			assertThat(Listeners.on(port)).containsExactlyInAnyOrderElementsOf(workers.values());
			ClusterProcess.stopCleanly(cluster);
		}
	}

	private static ClusterProcess start(String name, Server server, int port, String... extraArgs)
			throws IOException {
		Class<?> application = (server == Server.NETTY) ? ReactiveTestApplication.class : ServletTestApplication.class;
		List<String> args = new ArrayList<>(List.of("--cluster.workers=2", "--cluster.stats.interval=200ms",
				"--management.endpoints.web.exposure.include=cluster"));
		args.addAll(List.of(extraArgs));
		return ClusterProcess.start(jdk, name, server, application,
				List.of(), args, port, Map.of());
	}

	private static List<Long> withPrimary(ClusterProcess cluster, Map<Integer, Long> workers) {
		List<Long> pids = new ArrayList<>(workers.values());
		pids.add(cluster.pid());
		return pids;
	}

	/**
	 * Requests made one after another, each on a new connection; each must be answered in time.
	 * A request that is not says where it waited: in the queue (the listener's {@code Recv-Q}) or
	 * in a worker that accepted it (the connection's owner, with its server threads' stacks).
	 */
	private static Map<Long, Integer> countByWorker(int port, int requests) {
		Map<Long, Integer> counts = new HashMap<>();
		for (int i = 0; i < requests; i++) {
			Response response;
			try {
				response = ClusterProcess.get(port, "/", Duration.ofSeconds(15));
			}
			catch (IllegalStateException ex) {
				List<String> connections = Listeners.ss("-tnpH", "sport = :" + port);
				throw new AssertionError("request " + i + ": " + ex.getMessage() + "; listener: "
						+ Listeners.ss("-ltnpH", "sport = :" + port) + "; connections: " + connections + "\n"
						+ Listeners.pids(connections).stream().map(Listeners::serverThreads).collect(Collectors.joining()),
						ex);
			}
			assertThat(response.status()).as("request %d", i).isEqualTo(200);
			counts.merge(ClusterProcess.json.readTree(response.body()).get("pid").asLong(), 1, Integer::sum);
		}
		return counts;
	}

	/** The sockets listening on a port, one line of {@code ss} each. */
	private static List<String> listeningSockets(int port) {
		return Listeners.ss("-ltnpH", "sport = :" + port);
	}

	/** This test's connections to a port that have been established (the kernel's handshake done). */
	private static int clientConnections(int port) {
		return (int) Listeners.ss("-tnH", "dport = :" + port).stream().filter((line) -> line.startsWith("ESTAB")).count();
	}

	private static int occurrences(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
			count++;
		}
		return count;
	}

}
