package io.clusterstarter.autoconfigure;

import io.clusterstarter.Cluster;
import io.clusterstarter.worker.WorkerCluster;
import io.clusterstarter.worker.WorkerPropertySource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link Cluster} of a worker, or of an
 * application running without clustering. (The primary never creates the application's context;
 * its {@code Cluster} lives in the primary's own context.)
 *
 * @author cluster-spring-boot-starter
 */
@AutoConfiguration
@EnableConfigurationProperties(ClusterProperties.class)
public final class ClusterAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(Cluster.class)
	WorkerCluster cluster(ConfigurableEnvironment environment) {
		return new WorkerCluster(WorkerPropertySource.runtimeOf(environment));
	}

}
