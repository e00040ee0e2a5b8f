package io.clusterstarter.autoconfigure;

import io.clusterstarter.actuate.ClusterPrometheusScrapeEndpoint;
import io.clusterstarter.worker.WorkerPropertySource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the cluster-wide Prometheus scrape: in
 * a cluster worker with Micrometer's Prometheus registry, the {@code prometheus} endpoint
 * answers with the meters of every worker. It runs before Spring Boot's Prometheus
 * auto-configuration, whose own endpoint then backs off; a user-defined
 * {@link PrometheusScrapeEndpoint} bean makes this one back off instead.
 *
 * @author cluster-spring-boot-starter
 */
@AutoConfiguration(before = PrometheusMetricsExportAutoConfiguration.class, after = ClusterAutoConfiguration.class)
@ConditionalOnClass({ PrometheusScrapeEndpoint.class, PrometheusRegistry.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnClusterWorker
public final class ClusterPrometheusAutoConfiguration {

	@Bean
	@ConditionalOnAvailableEndpoint(PrometheusScrapeEndpoint.class)
	@ConditionalOnMissingBean(PrometheusScrapeEndpoint.class)
	ClusterPrometheusScrapeEndpoint prometheusEndpoint(ConfigurableEnvironment environment,
			ClusterProperties properties, PrometheusRegistry prometheusRegistry, PrometheusConfig prometheusConfig) {
		return new ClusterPrometheusScrapeEndpoint(WorkerPropertySource.runtimeOf(environment),
				properties.getIpc().getRequestTimeout(), prometheusRegistry, prometheusConfig.prometheusProperties());
	}

}
