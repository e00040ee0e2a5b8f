package io.clusterstarter.it;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.clusterstarter.it.ClusterProcess.Server;
import io.clusterstarter.it.apps.reactive.ReactiveTestApplication;
import io.clusterstarter.it.apps.servlet.ServletTestApplication;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every supported embedded server shares the port, counts requests, and rolls without losing
 * one: Jetty (servlet) and Reactor Netty (WebFlux) here; Tomcat throughout the other tests.
 */
class ServerPortSharingIntegrationTests {

	@ParameterizedTest
	@EnumSource(value = Server.class, names = { "JETTY", "NETTY" })
	void workersShareThePortAndStopGracefully(Server server) throws Exception {
		Class<?> application = (server == Server.NETTY) ? ReactiveTestApplication.class : ServletTestApplication.class;
		try (ClusterProcess cluster = ClusterProcess.start(server.name().toLowerCase(), server, application, List.of(),
				List.of("--cluster.workers=2", "--cluster.stats.interval=200ms",
						"--management.endpoints.web.exposure.include=cluster"),
				ClusterProcess.freePort())) {
			Map<Integer, Long> workers = cluster.awaitListening(2, Duration.ofSeconds(120));
			assertThat(Listeners.on(cluster.port())).containsExactlyInAnyOrderElementsOf(workers.values());
			Map<Long, Integer> counts = new HashMap<>();
			for (int i = 0; i < 200; i++) {
				counts.merge(cluster.getJson("/").get("pid").asLong(), 1, Integer::sum);
			}
			assertThat(counts.keySet()).containsExactlyInAnyOrderElementsOf(workers.values());
			assertThat(counts.values()).allSatisfy((count) -> assertThat(count).isGreaterThanOrEqualTo(50));
			assertThat(cluster.log()).contains(server == Server.JETTY ? "Jetty started" : "Netty started");
			// Each server's request counting (servlet filter or WebFlux filter) reaches the primary
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				long served = 0;
				for (JsonNode worker : cluster.cluster().get("workers")) {
					assertThat(worker.get("report").get("requests").get("served").asLong()).isPositive();
					served += worker.get("report").get("requests").get("served").asLong();
				}
				assertThat(served).isGreaterThanOrEqualTo(200);
			});
			if (server == Server.NETTY) {
				// Requests that leave the WebFlux session alone are not warned about; one that keeps a value is
				assertThat(cluster.log()).doesNotContain("sessions in each worker's memory");
				assertThat(cluster.getJson("/web-session").get("session").asString()).isNotBlank();
				await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(cluster.log())
					.contains("The application keeps WebFlux sessions in each worker's memory"));
			}
			// A rolling restart loses no request on these servers either
			LoadClient client = LoadClient.start(cluster.port());
			try (client) {
				cluster.signal("HUP");
				await().atMost(Duration.ofSeconds(120))
					.until(() -> cluster.log().contains("Rolling restart completed: 2 workers replaced"));
			}
			client.assertNoneLost();
			assertThat(client.succeeded()).isGreaterThan(50);
			cluster.signal("TERM");
			assertThat(cluster.awaitExit(Duration.ofSeconds(45))).isZero();
			assertThat(Listeners.on(cluster.port())).isEmpty();
		}
	}

}
