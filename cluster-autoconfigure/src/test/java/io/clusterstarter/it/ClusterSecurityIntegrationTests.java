package io.clusterstarter.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import io.clusterstarter.it.ClusterProcess.Response;
import io.clusterstarter.it.ClusterProcess.Server;
import io.clusterstarter.it.apps.secured.SecuredTestApplication;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cluster of an application with Spring Security, secured as docs/actuator.md shows: every answer
 * that asks the primary (health, the cluster endpoint, its actions, the merged scrape) goes
 * through the application's own rules, never around them.
 */
class ClusterSecurityIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String OPS = ClusterProcess.basic("ops", "ops-secret");

	private static final String USER = ClusterProcess.basic("user", "user-secret");

	private static final String SCALE_TO_THREE = "{\"action\":\"scale\",\"workers\":3}";

	@Test
	void clusterEndpointsObeyTheApplicationsSecurityRules() throws Exception {
		try (ClusterProcess cluster = ClusterProcess.start("secured", Server.TOMCAT_SECURED,
				SecuredTestApplication.class, List.of(),
				List.of("--cluster.workers=2", "--management.endpoints.web.exposure.include=health,cluster,prometheus",
						"--management.endpoint.cluster.access=unrestricted",
						"--management.endpoint.health.show-details=when-authorized"),
				ClusterProcess.freePort())) {
			int port = cluster.port();
			await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
				Response view = ClusterProcess.request(port, "GET", "/actuator/cluster", null, OPS, TIMEOUT);
				return view.status() == 200 && ClusterProcess.json.readTree(view.body()).get("workers").size() == 2;
			});

			// Probes read health without credentials; details only for those allowed to see them
			Response health = ClusterProcess.get(port, "/actuator/health");
			assertThat(health.status()).isEqualTo(200);
			assertThat(ClusterProcess.json.readTree(health.body()).has("components")).isFalse();
			JsonNode detailed = ClusterProcess.json
				.readTree(ClusterProcess.request(port, "GET", "/actuator/health", null, OPS, TIMEOUT).body());
			assertThat(detailed.get("components").get("cluster").get("details").get("serving").asInt()).isEqualTo(2);

			// Reading and acting on the cluster need the operators' role
			assertThat(ClusterProcess.get(port, "/actuator/cluster").status()).isEqualTo(401);
			assertThat(ClusterProcess.post(port, "/actuator/cluster", SCALE_TO_THREE).status()).isEqualTo(401);
			assertThat(ClusterProcess.request(port, "POST", "/actuator/cluster", SCALE_TO_THREE, USER, TIMEOUT).status())
				.isEqualTo(403);
			assertThat(ClusterProcess.request(port, "GET", "/actuator/prometheus", null, USER, TIMEOUT).status())
				.isEqualTo(403);
			assertThat(cluster.listeningWorkersAs(OPS)).hasSize(2);
			Response scaled = ClusterProcess.request(port, "POST", "/actuator/cluster", SCALE_TO_THREE, OPS, TIMEOUT);
			assertThat(scaled.status()).as(scaled.body()).isEqualTo(200);
			await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
				.until(() -> cluster.listeningWorkersAs(OPS).size() == 3);
			assertThat(ClusterProcess.request(port, "GET", "/actuator/prometheus", null, OPS, TIMEOUT).body())
				.contains("worker_id=\"1\"", "worker_id=\"2\"", "cluster_workers_configured 3.0");

			// The application's own pages keep their rules
			assertThat(ClusterProcess.get(port, "/").status()).isEqualTo(401);
			assertThat(ClusterProcess.request(port, "GET", "/", null, USER, TIMEOUT).status()).isEqualTo(200);
			assertThat(cluster.stop(Duration.ofSeconds(60))).isZero();
		}
	}

	@Test
	void guideShowsThisVeryChain() throws IOException {
		String source = Files.readString(Path.of("src/test/java/io/clusterstarter/it/apps/secured/SecuredTestApplication.java"));
		String start = "// tag::actuator-security[]\n";
		String chain = source.substring(source.indexOf(start) + start.length(),
				source.indexOf("\t// end::actuator-security[]"));
		String unindented = chain.lines().map((line) -> line.startsWith("\t") ? line.substring(1) : line)
			.collect(Collectors.joining("\n", "", "\n"));
		assertThat(Files.readString(Path.of("../docs/actuator.md"))).contains("```java\n" + unindented + "```");
	}

}
