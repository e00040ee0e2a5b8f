package io.clusterstarter.worker;

import java.util.Map;

import io.clusterstarter.actuate.ClusterHealthIndicator;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
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

	/**
	 * Checked with the aggregator that Spring Boot's health endpoint builds from the property,
	 * whatever class each Boot version makes it with.
	 */
	@Test
	void degradedRanksBetweenOutOfServiceAndUpSoItNeverHidesADown() {
		StandardEnvironment environment = new StandardEnvironment();
		WorkerPropertySource.install(environment, TestWorkerRuntimes.unconnected(1, 0), Map.of());
		String order = environment.getProperty(STATUS_ORDER);
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
			.withPropertyValues(STATUS_ORDER + "=" + order)
			.run((context) -> {
				StatusAggregator aggregator = context.getBean(StatusAggregator.class);
				assertThat(aggregator.getAggregateStatus(Status.DOWN, ClusterHealthIndicator.DEGRADED))
					.isEqualTo(Status.DOWN);
				assertThat(aggregator.getAggregateStatus(Status.OUT_OF_SERVICE, ClusterHealthIndicator.DEGRADED))
					.isEqualTo(Status.OUT_OF_SERVICE);
				assertThat(aggregator.getAggregateStatus(Status.UP, ClusterHealthIndicator.DEGRADED))
					.isEqualTo(ClusterHealthIndicator.DEGRADED);
			});
	}

	@Test
	void userStatusOrderWins() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("user", Map.of(STATUS_ORDER, "DOWN,UP")));
		WorkerPropertySource.install(environment, TestWorkerRuntimes.unconnected(1, 0), Map.of());
		assertThat(environment.getProperty(STATUS_ORDER)).isEqualTo("DOWN,UP");
	}

}
