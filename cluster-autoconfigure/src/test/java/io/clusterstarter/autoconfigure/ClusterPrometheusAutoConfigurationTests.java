package io.clusterstarter.autoconfigure;

import io.clusterstarter.actuate.ClusterPrometheusScrapeEndpoint;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterPrometheusAutoConfiguration}.
 */
class ClusterPrometheusAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, MetricsAutoConfiguration.class,
				PrometheusMetricsExportAutoConfiguration.class, ClusterAutoConfiguration.class,
				ClusterPrometheusAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=prometheus");

	@Test
	void runWhenWorkerShouldReplaceThePrometheusEndpointWithTheClusterWideOne() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.run((context) -> assertThat(context).hasSingleBean(PrometheusScrapeEndpoint.class)
				.getBean(PrometheusScrapeEndpoint.class)
				.isInstanceOf(ClusterPrometheusScrapeEndpoint.class));
	}

	@Test
	void runWhenNotAWorkerShouldKeepSpringBootsEndpoint() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(PrometheusScrapeEndpoint.class)
			.getBean(PrometheusScrapeEndpoint.class)
			.isNotInstanceOf(ClusterPrometheusScrapeEndpoint.class));
	}

	@Test
	void runWhenEndpointIsNotExposedShouldHaveNone() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(PrometheusScrapeEndpoint.class));
	}

	@Test
	void runWhenUserDefinesAnEndpointShouldBackOff() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withBean("userPrometheusEndpoint", PrometheusScrapeEndpoint.class,
					() -> new PrometheusScrapeEndpoint(new io.prometheus.metrics.model.registry.PrometheusRegistry(),
							null))
			.run((context) -> assertThat(context).hasSingleBean(PrometheusScrapeEndpoint.class)
				.hasBean("userPrometheusEndpoint")
				.doesNotHaveBean(ClusterPrometheusScrapeEndpoint.class));
	}

	@Test
	void runWithoutThePrometheusRegistryShouldHaveNone() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withClassLoader(new FilteredClassLoader("io.prometheus", "io.micrometer.prometheusmetrics"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(PrometheusScrapeEndpoint.class));
	}

}
