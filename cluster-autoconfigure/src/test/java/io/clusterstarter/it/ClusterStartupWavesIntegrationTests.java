package io.clusterstarter.it;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.clusterstarter.it.ClusterProcess.Server;
import io.clusterstarter.it.apps.servlet.ServletTestApplication;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * More workers than processors: the primary warns, and starts them in waves of
 * {@code cluster.startup-concurrency}, at start-up and when several crash at once, so that no
 * worker's start-up timeout is spent waiting behind the others.
 */
class ClusterStartupWavesIntegrationTests {

	@Test
	void workersStartInWavesAtStartUpAndAfterSeveralCrashAtOnce() throws Exception {
		ClusterEvents events = ClusterEvents.create();
		try (events; ClusterProcess cluster = ClusterProcess.start("waves", Server.TOMCAT,
				ServletTestApplication.class, List.of("-XX:ActiveProcessorCount=1"),
				List.of("--cluster.workers=3", "--cluster.startup-concurrency=1",
						"--cluster.restart.initial-backoff=100ms", "--management.endpoints.web.exposure.include=cluster",
						events.argument()),
				ClusterProcess.freePort())) {
			Map<Integer, Long> first = cluster.awaitListening(3, Duration.ofSeconds(300));
			assertThat(cluster.log()).contains("3 workers on 1 processor: each worker is a JVM of its own")
				.contains("Workers start 1 at a time (cluster.startup-concurrency)");
			assertThat(mostStartingAtOnce(events.lines())).isEqualTo(1);

			// Two crash together: their replacements start one after the other too
			List<Long> victims = first.values().stream().limit(2).toList();
			ClusterProcess.signal("KILL", victims.get(0), victims.get(1));
			await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(500)).until(() -> {
				Map<Integer, Long> now = cluster.listeningWorkers();
				return now.size() == 3 && now.values().stream().noneMatch(victims::contains);
			});
			assertThat(events.brief()).contains("fork 4", "fork 5").doesNotContain("fork 6");
			assertThat(mostStartingAtOnce(events.lines())).isEqualTo(1);
			assertThat(cluster.cluster().get("primary").get("counters").get("restarts").asInt()).isEqualTo(2);
			ClusterProcess.stopCleanly(cluster);
		}
	}

	/** Replays the events: the most workers forked and not yet listening (nor exited) at once. */
	private static int mostStartingAtOnce(List<String> lines) {
		Set<String> starting = new HashSet<>();
		int most = 0;
		for (String line : lines) {
			String[] words = line.split(" ");
			if (words[0].equals("fork")) {
				starting.add(words[1]);
			}
			else if ((words[0].equals("listening") && line.endsWith("namespace=null")) || words[0].equals("exit")) {
				starting.remove(words[1]);
			}
			most = Math.max(most, starting.size());
		}
		return most;
	}

}
