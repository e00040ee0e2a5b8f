package io.clusterstarter.it;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.clusterstarter.it.ClusterProcess.Server;
import io.clusterstarter.it.apps.data.DataTestApplication;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What every worker keeps of its own, in an application as a new project has it (Spring Boot's
 * in-memory H2 database, HTTP sessions, SQL initialisation on every start): each worker really
 * has its own database, and the primary warns about each once for the cluster, however many
 * workers and replacements tell it.
 */
class ClusterPerWorkerStateIntegrationTests {

	@Test
	void stateEveryWorkerKeepsOfItsOwnIsWarnedAboutOnce() throws Exception {
		try (ClusterProcess cluster = ClusterProcess.start("per-worker-state", Server.TOMCAT_WITH_DATABASE,
				DataTestApplication.class, List.of(), List.of("--cluster.workers=2", "--spring.sql.init.mode=always",
						"--management.endpoints.web.exposure.include=cluster"),
				ClusterProcess.freePort())) {
			Map<Integer, Long> workers = cluster.awaitListening(2, Duration.ofSeconds(120));
			// One in-memory database per worker (Spring Boot names each uniquely)
			Set<Long> answered = new HashSet<>();
			Set<String> urls = new HashSet<>();
			for (int i = 0; i < 100 && answered.size() < 2; i++) {
				var database = cluster.getJson("/database");
				answered.add(database.get("pid").asLong());
				urls.add(database.get("url").asString());
			}
			assertThat(answered).containsExactlyInAnyOrderElementsOf(workers.values());
			assertThat(urls).hasSize(2).allSatisfy((url) -> assertThat(url).startsWith("jdbc:h2:mem:"));
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(cluster.log())
				.contains("Each worker has an in-memory database of its own (jdbc:h2:mem:")
				.contains("spring.sql.init.mode=always runs the schema and data scripts in every worker"));
			// Sessions created in both workers: one warning
			Set<Long> sessions = new HashSet<>();
			for (int i = 0; i < 100 && sessions.size() < 2; i++) {
				sessions.add(cluster.getJson("/session").get("pid").asLong());
			}
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(cluster.log())
				.contains("The application keeps HTTP sessions in each worker's memory"));

			// New workers tell the primary again; it has said it already
			cluster.signal("HUP");
			await().atMost(Duration.ofSeconds(180))
				.untilAsserted(() -> assertThat(cluster.log()).contains("Rolling restart completed: 2 workers replaced"));
			String log = cluster.log();
			assertThat(log).containsOnlyOnce("Each worker has an in-memory database of its own")
				.containsOnlyOnce("spring.sql.init.mode=always runs the schema")
				.containsOnlyOnce("The application keeps HTTP sessions in each worker's memory")
				.contains("(noticed by worker ");
			assertThat(cluster.stop(Duration.ofSeconds(60))).isZero();
		}
	}

}
