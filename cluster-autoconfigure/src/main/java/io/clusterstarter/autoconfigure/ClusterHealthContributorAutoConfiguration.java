package io.clusterstarter.autoconfigure;

import java.time.Duration;

import io.clusterstarter.actuate.ClusterHealthIndicator;
import io.clusterstarter.worker.WorkerPropertySource;
import io.clusterstarter.worker.WorkerRuntime;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link ClusterHealthIndicator}, in
 * a cluster worker with Spring Boot's health support on the class path.
 * {@code management.health.cluster.enabled=false} turns it off.
 *
 * @author cluster-spring-boot-starter
 */
@AutoConfiguration(after = ClusterAutoConfiguration.class)
@ConditionalOnClass(AbstractHealthIndicator.class)
@ConditionalOnClusterWorker
public final class ClusterHealthContributorAutoConfiguration {

	// On the method, so that the class-level @ConditionalOnClass is checked before this
	// annotation's condition class has to be loaded
	@Bean
	@ConditionalOnEnabledHealthIndicator(ClusterHealthIndicator.NAME)
	@ConditionalOnMissingBean(name = "clusterHealthIndicator")
	ClusterHealthIndicator clusterHealthIndicator(ConfigurableEnvironment environment, ClusterProperties properties) {
		WorkerRuntime runtime = WorkerPropertySource.runtimeOf(environment);
		Duration timeout = properties.getIpc().getRequestTimeout();
		return new ClusterHealthIndicator(() -> runtime.status(timeout));
	}

}
