package io.clusterstarter.it;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.clusterstarter.it.ClusterProcess.Server;
import io.clusterstarter.it.apps.servlet.ServletTestApplication;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Actuator is optional: without it (and without Micrometer) on the class path, a cluster starts,
 * shares its port and reports, and no actuator endpoint appears.
 */
class ClusterWithoutActuatorIntegrationTests {

	@Test
	void clusterRunsWithoutActuatorOnTheClassPath() throws Exception {
		assertThat(Server.TOMCAT_WITHOUT_ACTUATOR.classPath()).doesNotContain("spring-boot-actuator")
			.doesNotContain("micrometer-core")
			.contains("tomcat");
		try (ClusterProcess cluster = ClusterProcess.start("without-actuator", Server.TOMCAT_WITHOUT_ACTUATOR,
				ServletTestApplication.class, List.of(),
				List.of("--cluster.workers=2", "--cluster.stats.interval=200ms",
						"--management.endpoints.web.exposure.include=*"),
				ClusterProcess.freePort())) {
			await().atMost(Duration.ofSeconds(120))
				.untilAsserted(() -> assertThat(cluster.log())
					.contains("Cluster up: 2 workers listening on port " + cluster.port()));
			Set<Long> listeners = Listeners.on(cluster.port());
			assertThat(listeners).hasSize(2).doesNotContain(cluster.pid());
			Set<Long> answered = new HashSet<>();
			for (int i = 0; i < 100; i++) {
				answered.add(cluster.getJson("/").get("pid").asLong());
			}
			assertThat(answered).containsExactlyInAnyOrderElementsOf(listeners);
			assertThat(ClusterProcess.get(cluster.port(), "/actuator/cluster").status()).isEqualTo(404);
			Thread.sleep(1000); // a few reports, which must reach the primary without harm
			assertThat(cluster.log()).doesNotContain("Exception").doesNotContain("ERROR");
			assertThat(cluster.stop(Duration.ofSeconds(45))).isZero();
		}
	}

}
