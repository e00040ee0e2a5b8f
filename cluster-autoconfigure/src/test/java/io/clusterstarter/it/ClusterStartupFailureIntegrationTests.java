package io.clusterstarter.it;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import io.clusterstarter.it.ClusterProcess.Server;
import io.clusterstarter.it.apps.servlet.ServletTestApplication;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cluster that cannot start says why in Spring Boot's failure report, exits non-zero, and forks
 * nothing.
 */
class ClusterStartupFailureIntegrationTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			--cluster.workers=-1                | Invalid value '-1' for property 'cluster.workers': it must be at least 1.
			--cluster.workers=many              | Invalid value 'many' for property 'cluster.workers': it is neither a number nor 'auto'.
			--cluster.restart.policy=sometimes  | Failed to bind properties under 'cluster.restart.policy'
			--cluster.shutdown-timeout=-5s      | Invalid value 'PT-5S' for property 'cluster.shutdown-timeout': it must not be negative.
			--cluster.shutdown-timeout=soon     | Failed to bind properties under 'cluster.shutdown-timeout'
			--cluster.ipc.max-message-size=10B  | Invalid value '10B' for property 'cluster.ipc.max-message-size'
			""")
	void invalidConfigurationIsReportedBeforeAnythingIsForked(String argument, String description) throws Exception {
		try (ClusterProcess cluster = ClusterProcess.start("bad-config", Server.TOMCAT, ServletTestApplication.class,
				List.of(), List.of(argument), ClusterProcess.freePort())) {
			assertThat(cluster.awaitExit(Duration.ofSeconds(60))).isNotZero();
			assertThat(cluster.log()).contains("APPLICATION FAILED TO START", "Description:", description, "Action:")
				.doesNotContain("[worker ");
		}
	}

	@Test
	void portInUseIsReportedAndLeavesNoWorkerBehind() throws Exception {
		try (ServerSocket occupant = new ServerSocket(0)) {
			int port = occupant.getLocalPort();
			try (ClusterProcess cluster = ClusterProcess.start("port-in-use", Server.TOMCAT,
					ServletTestApplication.class, List.of(), List.of("--cluster.workers=2"), port)) {
				assertThat(cluster.awaitExit(Duration.ofSeconds(60))).isNotZero();
				assertThat(cluster.log()).contains("APPLICATION FAILED TO START", "Port " + port + " was already in use")
					.contains("Action:")
					.doesNotContain("[worker ");
				assertThat(cluster.children()).isEmpty();
			}
		}
	}


	/**
	 * Two primaries started at the same instant on one port: exactly one runs the cluster, the
	 * other refuses with the port-in-use report and forks nothing. Before the port lock both
	 * passed the check, since neither had a worker listening yet.
	 */
	@RepeatedTest(5)
	void twoPrimariesStartedAtOnceOnOnePortMakeOneCluster(RepetitionInfo repetition) throws Exception {
		int port = ClusterProcess.freePort();
		List<String> args = List.of("--cluster.workers=1");
		String name = "race-" + repetition.getCurrentRepetition();
		try (ClusterProcess first = ClusterProcess.start(name + "a", Server.TOMCAT, ServletTestApplication.class,
				List.of(), args, port);
				ClusterProcess second = ClusterProcess.start(name + "b", Server.TOMCAT, ServletTestApplication.class,
						List.of(), args, port)) {
			// The one that refuses exits; the one that won keeps running
			await().atMost(Duration.ofSeconds(120))
				.until(() -> !first.process().isAlive() || !second.process().isAlive());
			ClusterProcess loser = first.process().isAlive() ? second : first;
			ClusterProcess winner = (loser == first) ? second : first;
			assertThat(loser.awaitExit(Duration.ofSeconds(10))).isNotZero();
			assertThat(loser.log()).contains("APPLICATION FAILED TO START", "Port " + port + " was already in use")
				// Named by its pid, unless the winner had not written it yet (within a second)
				.containsPattern("Another cluster primary( \\(pid " + winner.pid() + "\\))? already runs on port " + port)
				.doesNotContain("[worker ")
				.doesNotContain("Starting cluster primary");
			// The winner runs the one cluster; it need not wait for its worker to be stopped
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(winner.log()).contains("Starting cluster primary (pid " + winner.pid()
						+ ")"));
			assertThat(winner.process().isAlive()).isTrue();
			assertThat(winner.stop(Duration.ofSeconds(60))).isZero();
		}
	}

}
