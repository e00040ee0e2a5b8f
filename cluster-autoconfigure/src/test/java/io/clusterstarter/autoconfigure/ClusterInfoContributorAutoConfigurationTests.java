package io.clusterstarter.autoconfigure;

import java.util.Map;

import io.clusterstarter.actuate.ClusterInfoContributor;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterInfoContributorAutoConfiguration}.
 */
class ClusterInfoContributorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ClusterAutoConfiguration.class, ClusterInfoContributorAutoConfiguration.class));

	@Test
	void runWhenWorkerShouldHaveContributor() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.run((context) -> assertThat(context).hasSingleBean(ClusterInfoContributor.class));
	}

	@Test
	void runWhenNotAWorkerShouldNotHaveContributor() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ClusterInfoContributor.class));
	}

	@Test
	void runWhenDisabledShouldNotHaveContributor() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withPropertyValues("management.info.cluster.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterInfoContributor.class));
	}

	@Test
	void runWithoutActuatorShouldNotHaveContributor() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withClassLoader(new FilteredClassLoader(InfoContributor.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ClusterInfoContributor.class));
	}

	@Test
	void runWhenUserDefinesAContributorShouldBackOff() {
		ClusterInfoContributor userContributor = new ClusterInfoContributor(null, () -> null);
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withBean(ClusterInfoContributor.class, () -> userContributor)
			.run((context) -> assertThat(context).getBean(ClusterInfoContributor.class).isSameAs(userContributor));
	}

	@Test
	void primaryThatCannotBeReachedIsExplainedNotFailed() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker).run((context) -> {
			Info.Builder builder = new Info.Builder();
			context.getBean(ClusterInfoContributor.class).contribute(builder);
			Map<?, ?> cluster = (Map<?, ?>) builder.build().get("cluster");
			assertThat(cluster.get("worker")).isEqualTo(Map.of("id", 3, "slot", 1));
			assertThat(cluster.get("error")).asString().contains("The primary is not connected");
		});
	}

}
