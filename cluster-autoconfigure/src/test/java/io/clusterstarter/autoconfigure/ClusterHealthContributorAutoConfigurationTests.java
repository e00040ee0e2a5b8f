package io.clusterstarter.autoconfigure;

import io.clusterstarter.actuate.ClusterHealthIndicator;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterHealthContributorAutoConfiguration}.
 */
class ClusterHealthContributorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ClusterAutoConfiguration.class, ClusterHealthContributorAutoConfiguration.class));

	@Test
	void runWhenWorkerShouldHaveIndicator() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.run((context) -> assertThat(context).hasSingleBean(ClusterHealthIndicator.class));
	}

	@Test
	void runWhenNotAWorkerShouldNotHaveIndicator() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ClusterHealthIndicator.class));
	}

	@Test
	void runWhenDisabledShouldNotHaveIndicator() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withPropertyValues("management.health.cluster.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterHealthIndicator.class));
	}

	@Test
	void runWhenDefaultIndicatorsAreDisabledShouldNotHaveIndicator() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterHealthIndicator.class));
	}

	@Test
	void runWithoutHealthSupportShouldNotHaveIndicator() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withClassLoader(new FilteredClassLoader(AbstractHealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ClusterHealthIndicator.class));
	}

	@Test
	void runWhenUserDefinesAnIndicatorShouldBackOff() {
		ClusterHealthIndicator userIndicator = new ClusterHealthIndicator(() -> null);
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withBean("clusterHealthIndicator", ClusterHealthIndicator.class, () -> userIndicator)
			.run((context) -> assertThat(context).getBean(ClusterHealthIndicator.class).isSameAs(userIndicator));
	}

	@Test
	void primaryThatCannotBeReachedIsDown() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker).run((context) -> {
			Health health = context.getBean(ClusterHealthIndicator.class).health(true);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails().get("error")).asString().contains("The primary is not connected");
		});
	}

}
