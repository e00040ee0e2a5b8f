package io.clusterstarter.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.worker.PrimaryUnavailableException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterHealthIndicator}.
 */
class ClusterHealthIndicatorTests {

	@Test
	void allConfiguredWorkersListeningIsUp() {
		Health health = health(8080, 2, "listening", "listening");
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("expected", 2).containsEntry("serving", 2L);
		assertThat(health.getDetails().get("workers")).isEqualTo(Map.of("1",
				Map.of("slot", 0, "pid", 101L, "state", "listening", "ready", true, "version", "1.1.0"), "2",
				Map.of("slot", 1, "pid", 102L, "state", "listening", "ready", true, "version", "1.0.0")));
		// During a deploy, a client of the health endpoint sees the mix of versions
		assertThat(health.getDetails().get("versions")).isEqualTo(Map.of("1.0.0", 1L, "1.1.0", 1L));
	}

	@Test
	void someButNotAllListeningIsDegraded() {
		assertThat(health(8080, 2, "listening", "forked").getStatus()).isEqualTo(ClusterHealthIndicator.DEGRADED);
		assertThat(health(8080, 3, "listening", "disconnecting", "online").getDetails()).containsEntry("serving", 1L);
	}

	@Test
	void noneListeningIsDown() {
		assertThat(health(8080, 2, "online", "forked").getStatus()).isEqualTo(Status.DOWN);
		assertThat(health(8080, 2).getStatus()).isEqualTo(Status.DOWN);
	}

	@Test
	void moreWorkersThanConfiguredIsUp() {
		// After Cluster.fork(), for example
		assertThat(health(8080, 2, "listening", "listening", "listening").getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void withoutAWebServerReadyWorkersServe() {
		assertThat(health(null, 2, "online", "online").getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void primaryThatDoesNotAnswerIsDown() {
		Health health = new ClusterHealthIndicator(() -> {
			throw new PrimaryUnavailableException("The primary did not answer within 5000 ms");
		}).health(true);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails().get("error")).asString().contains("The primary did not answer within 5000 ms");
	}

	private static Health health(Integer port, int configured, String... states) {
		Map<String, ClusterSnapshot.WorkerInfo> workers = new LinkedHashMap<>();
		for (int i = 0; i < states.length; i++) {
			workers.put(String.valueOf(i + 1), new ClusterSnapshot.WorkerInfo(i + 1, i, 101 + i, states[i],
					states[i].equals("listening") || (port == null && states[i].equals("online")), i == 0,
					"2026-11-24T07:00:00Z", "PT1M", false, null, null, null,
					new ClusterSnapshot.Release((i == 0) ? "1.1.0" : "1.0.0", "app.jar", null, null), 0, null, null, null));
		}
		ClusterSnapshot.Settings settings = new ClusterSnapshot.Settings(configured, null, null, null, false, true,
				"none", "PT30S", null, "PT5S", 1, 2, null, null);
		ClusterSnapshot snapshot = new ClusterSnapshot(new ClusterSnapshot.Primary(100, "2026-11-24T07:00:00Z", "PT1M",
				port, (port != null) ? "reuse-port" : "none", settings, new ClusterSnapshot.Counters(2, 0, 0, 0, 0), null, null, null, null, null, null, null, null),
				workers);
		return new ClusterHealthIndicator(() -> snapshot).health(true);
	}

}
