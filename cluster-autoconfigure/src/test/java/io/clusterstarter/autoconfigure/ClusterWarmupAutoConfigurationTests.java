package io.clusterstarter.autoconfigure;

import io.clusterstarter.warmup.WarmupObservationPredicate;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterWarmupAutoConfiguration}.
 */
class ClusterWarmupAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(ClusterAutoConfiguration.class,
			ClusterWarmupAutoConfiguration.class);

	@Test
	void runWhenNotAWorkerShouldNotFilterObservations() {
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.run((context) -> assertThat(context).doesNotHaveBean(WarmupObservationPredicate.class));
	}

	@Test
	void runWhenServletWorkerShouldLeaveWarmupRequestsOutOfObservations() {
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.run((context) -> assertThat(context).hasSingleBean(WarmupObservationPredicate.class));
	}

	@Test
	void runWhenReactiveWorkerShouldLeaveWarmupRequestsOutOfObservations() {
		new ReactiveWebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.run((context) -> assertThat(context).hasSingleBean(WarmupObservationPredicate.class));
	}

	@Test
	void runWhenTheApplicationDefinesOneShouldBackOff() {
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withBean("custom", WarmupObservationPredicate.class)
			.run((context) -> assertThat(context).hasSingleBean(WarmupObservationPredicate.class).hasBean("custom"));
	}

}
