package io.clusterstarter.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.clusterstarter.it.ClusterProcess.Server;
import io.clusterstarter.it.apps.reactive.ReactiveTestApplication;
import io.clusterstarter.it.apps.servlet.ServletTestApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker that starts while the cluster serves warms up before it takes connections
 * ({@code cluster.warmup}), on real clusters: the listed requests reach the application through
 * its own web server over loopback, never through the shared port, the primary shows the
 * warm-up while it runs, the requests are left out of the request counts and of
 * {@code http.server.requests}, and the warm-up's time-out lets the worker serve even while
 * its requests hang. The cluster's first worker does not warm up.
 */
class WarmupIntegrationTests {

	private static final Duration UP = Duration.ofSeconds(120);

	private static final int ITERATIONS = 20;

	@ParameterizedTest
	@EnumSource(value = Server.class, names = { "TOMCAT", "NETTY" })
	void aReplacementSendsItsWarmupToItselfBeforeItTakesConnections(Server server) throws Exception {
		Class<?> application = (server == Server.NETTY) ? ReactiveTestApplication.class : ServletTestApplication.class;
		try (ClusterProcess cluster = ClusterProcess.start("warmup-" + server.name().toLowerCase(), server, application,
				List.of(), warmup(List.of("--cluster.warmup.iterations=" + ITERATIONS,
						"--cluster.warmup.requests[0].path=/warmup/hit",
						"--cluster.warmup.requests[1].method=POST", "--cluster.warmup.requests[1].path=/warmup/hit",
						"--cluster.warmup.requests[1].body={\"warm\":true}",
						"--cluster.warmup.requests[1].headers.Content-Type=text/plain",
						"--cluster.warmup.requests[1].headers.X-Warmup=yes",
						// Long enough for the primary to be seen showing the warm-up under way
						"--cluster.warmup.requests[2].path=/slow?ms=300",
						// A header over the servers' default limit (8 KB), within the application's: the
						// warm-up's listener reads requests as the shared port does
						"--cluster.warmup.requests[2].headers.X-Token=" + "t".repeat(12 * 1024),
						"--server.max-http-request-header-size=64KB")),
				ClusterProcess.freePort())) {
			long first = cluster.awaitListening(1, UP).values().iterator().next();
			// The cluster's first worker starts while nothing serves: no warm-up
			assertThat(seen(cluster)).isEmpty();
			assertThat(cluster.cluster().get("workers").iterator().next().has("warmup")).isFalse();

			cluster.signal("HUP");
			JsonNode warming = await().atMost(UP).pollInterval(Duration.ofMillis(100)).until(() -> warmingWorker(cluster),
					(worker) -> worker != null);
			assertThat(warming.get("warmup").get("state").asString()).isEqualTo("running");
			assertThat(warming.get("ready").asBoolean()).isFalse();
			// Read from the log, so that the new worker serves none of the waiting's requests
			await().atMost(UP).until(() -> cluster.log().contains("Rolling restart completed"));
			assertThat(cluster.listeningWorkers()).hasSize(1).doesNotContainValue(first);

			List<String> hits = seen(cluster);
			assertThat(hits).hasSize(2 * ITERATIONS)
				.filteredOn((hit) -> hit.startsWith("GET "))
				.hasSize(ITERATIONS)
				.allMatch((hit) -> hit.endsWith(" null null"));
			assertThat(hits).filteredOn((hit) -> hit.startsWith("POST "))
				.hasSize(ITERATIONS)
				.allMatch((hit) -> hit.endsWith(" yes {\"warm\":true}"));
			// Sent to the worker's own loopback listener, never to the shared port
			String host = hits.get(0).split(" ")[1];
			assertThat(host).startsWith("127.0.0.1:").isNotEqualTo("127.0.0.1:" + cluster.port());
			assertThat(hits).allMatch((hit) -> hit.split(" ")[1].equals(host));

			JsonNode worker = cluster.cluster().get("workers").iterator().next();
			JsonNode warmup = worker.get("warmup");
			assertThat(warmup.get("state").asString()).isEqualTo("completed");
			assertThat(warmup.get("requests").asLong()).isEqualTo(3L * ITERATIONS);
			assertThat(warmup.get("failed").asLong()).isZero();
			assertThat(warmup.get("progress").asDouble()).isEqualTo(1.0);
			// Not counted as traffic: the worker has served only the few requests of this test since
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				JsonNode report = cluster.cluster().get("workers").iterator().next().get("report");
				assertThat(report).isNotNull();
				assertThat(report.get("requests").get("served").asLong()).isPositive().isLessThan(2L * ITERATIONS);
			});
			// Nor in the request metrics
			ClusterProcess.Response metric = ClusterProcess.get(cluster.port(),
					"/actuator/metrics/http.server.requests?tag=uri:/warmup/hit");
			assertThat(metric.status()).as(metric.body()).isEqualTo(404);
			assertThat(ClusterProcess.get(cluster.port(), "/actuator/metrics/http.server.requests?tag=uri:/warmup/seen")
				.status()).isEqualTo(200);
			assertThat(cluster.log()).containsPattern("worker \\d+ \\(pid \\d+\\) warmed up: " + (3 * ITERATIONS)
					+ " requests in [0-9.]+ s, 0 failed")
				.contains("Warming up: " + ITERATIONS + " rounds of 3 requests, 2 at a time to the application's own server on 127.0.0.1:");
			ClusterProcess.stopCleanly(cluster);
		}
	}

	@Test
	void aWarmupWhoseRequestsHangEndsAtItsTimeoutAndTheWorkerServes() throws Exception {
		try (ClusterProcess cluster = ClusterProcess.start("warmup-timeout", Server.JETTY, ServletTestApplication.class,
				List.of(),
				warmup(List.of("--cluster.warmup.timeout=3s", "--cluster.warmup.request-timeout=60s",
						"--cluster.warmup.requests[0].path=/no-such-path", "--cluster.warmup.requests[1].path=/slow?ms=30000")),
				ClusterProcess.freePort())) {
			long first = cluster.awaitListening(1, UP).values().iterator().next();
			cluster.signal("HUP");
			// Read from the log, so that the new worker serves none of the waiting's requests
			await().atMost(UP).until(() -> cluster.log().contains("Rolling restart completed"));
			assertThat(cluster.listeningWorkers()).hasSize(1).doesNotContainValue(first);
			JsonNode warmup = cluster.cluster().get("workers").iterator().next().get("warmup");
			assertThat(warmup.get("state").asString()).isEqualTo("timed-out");
			assertThat(warmup.get("failed").asLong()).isPositive();
			assertThat(warmup.get("millis").asLong()).isBetween(3000L, 20_000L);
			assertThat(cluster.log()).contains("Warm-up request GET /no-such-path failed: status 404")
				.contains("Warm-up stopped at its time-out (cluster.warmup.timeout=PT3S)")
				.containsPattern("worker \\d+ \\(pid \\d+\\) warmed up: \\d+ requests in [0-9.]+ s, \\d+ failed, ended by "
						+ "cluster.warmup.timeout");
			// It serves on the shared port
			assertThat(cluster.getJson("/").get("pid").asLong()).isNotEqualTo(first);
			ClusterProcess.stopCleanly(cluster);
		}
	}

	private static List<String> warmup(List<String> properties) {
		List<String> args = new ArrayList<>(List.of("--cluster.workers=1", "--cluster.stats.interval=500ms",
				"--management.endpoints.web.exposure.include=cluster,metrics"));
		args.addAll(properties);
		return args;
	}

	private static List<String> seen(ClusterProcess cluster) {
		List<String> hits = new ArrayList<>();
		cluster.getJson("/warmup/seen").forEach((hit) -> hits.add(hit.asString()));
		return hits;
	}

	/** The worker the primary shows warming up, or {@code null}. */
	private static JsonNode warmingWorker(ClusterProcess cluster) {
		for (JsonNode worker : cluster.cluster().get("workers")) {
			if ("warming".equals(worker.get("state").asString())) {
				return worker;
			}
		}
		return null;
	}

}
