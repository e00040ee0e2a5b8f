package io.clusterstarter.worker;

import java.util.Arrays;
import java.util.Map;

import io.clusterstarter.actuate.ClusterHealthIndicator;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.actuate.endpoint.SimpleStatusAggregator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerPropertySource}.
 */
class WorkerPropertySourceTests {

	private static final String STATUS_ORDER = "management.endpoint.health.status.order";

	@Test
	void workerTakesItsPortsAndLogFileFromThePrimary() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("user", Map.of("server.port", "9000")));
		WorkerPropertySource.install(environment, TestWorkerRuntimes.unconnected(2, 1),
				Map.of(WorkerEnvironment.SERVER_PORT, "8080", WorkerEnvironment.LOG_FILE, "logs/app-worker-1.log"));
		assertThat(environment.getProperty("server.port")).isEqualTo("8080");
		assertThat(environment.getProperty("logging.file.name")).isEqualTo("logs/app-worker-1.log");
		assertThat(environment.getProperty("spring.main.banner-mode")).isEqualTo("off");
		assertThat(WorkerPropertySource.runtimeOf(environment).id()).isEqualTo(2);
	}

	@Test
	void degradedRanksBetweenOutOfServiceAndUpSoItNeverHidesADown() {
		StandardEnvironment environment = new StandardEnvironment();
		WorkerPropertySource.install(environment, TestWorkerRuntimes.unconnected(1, 0), Map.of());
		String order = environment.getProperty(STATUS_ORDER);
		SimpleStatusAggregator aggregator = new SimpleStatusAggregator(Arrays.asList(order.split(",")));
		assertThat(aggregator.getAggregateStatus(Status.DOWN, ClusterHealthIndicator.DEGRADED)).isEqualTo(Status.DOWN);
		assertThat(aggregator.getAggregateStatus(Status.OUT_OF_SERVICE, ClusterHealthIndicator.DEGRADED))
			.isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(aggregator.getAggregateStatus(Status.UP, ClusterHealthIndicator.DEGRADED))
			.isEqualTo(ClusterHealthIndicator.DEGRADED);
	}

	@Test
	void userStatusOrderWins() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("user", Map.of(STATUS_ORDER, "DOWN,UP")));
		WorkerPropertySource.install(environment, TestWorkerRuntimes.unconnected(1, 0), Map.of());
		assertThat(environment.getProperty(STATUS_ORDER)).isEqualTo("DOWN,UP");
	}

}
