package io.clusterstarter.it;

import java.time.Duration;
import java.util.List;

import io.clusterstarter.it.ClusterProcess.Server;
import io.clusterstarter.it.apps.servlet.ServletTestApplication;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application without a web server clusters too: the primary reserves no port and reports the
 * workers ready instead of listening; two such clusters of one application run side by side.
 */
class NonWebClusterIntegrationTests {

	@Test
	void workersOfANonWebApplicationAreReportedReady() throws Exception {
		int port = ClusterProcess.freePort();
		try (ClusterProcess cluster = ClusterProcess.start("non-web", Server.TOMCAT, ServletTestApplication.class,
				List.of(), List.of("--cluster.workers=2", "--spring.main.web-application-type=none",
						// Nothing else keeps this application's JVM alive once it has started
						"--spring.main.keep-alive=true"),
				port)) {
			await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
				assertThat(cluster.process().isAlive()).isTrue();
				assertThat(cluster.log()).contains("Cluster up: 2 workers ready");
			});
			assertThat(cluster.children()).hasSize(2);
			assertThat(cluster.log()).doesNotContain("exited unexpectedly");
			assertThat(cluster.log()).doesNotContain("forking 2 workers on port");
			assertThat(Listeners.on(port)).isEmpty();
			// A second cluster of the same application (same temporary directory, so the same control
			// directory) runs beside it: without a port to tell them apart, its control socket takes its pid
			try (ClusterProcess second = ClusterProcess.start("non-web-2", Server.TOMCAT, ServletTestApplication.class,
					List.of(), List.of("--cluster.workers=1", "--spring.main.web-application-type=none",
							"--spring.main.keep-alive=true"),
					port)) {
				await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
					assertThat(second.process().isAlive()).isTrue();
					assertThat(second.log()).contains("Cluster up: 1 worker ready");
				});
				assertThat(second.log()).contains("Another cluster of this application has the control socket "
						+ "'application'; this one is 'application-" + second.process().pid() + "'");
				second.signal("TERM");
				assertThat(second.awaitExit(Duration.ofSeconds(45))).isZero();
			}
			cluster.signal("TERM");
			assertThat(cluster.awaitExit(Duration.ofSeconds(45))).isZero();
		}
	}

}
