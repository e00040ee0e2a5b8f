package io.clusterstarter.autoconfigure;

import java.time.Duration;

import io.clusterstarter.actuate.ClusterInfoContributor;
import io.clusterstarter.worker.WorkerPropertySource;
import io.clusterstarter.worker.WorkerRuntime;

import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link ClusterInfoContributor}, in a
 * cluster worker with Spring Boot Actuator on the class path. {@code management.info.cluster.enabled=false}
 * turns it off.
 *
 * @author cluster-spring-boot-starter
 */
@AutoConfiguration(after = ClusterAutoConfiguration.class)
@ConditionalOnClass(InfoContributor.class)
@ConditionalOnClusterWorker
public final class ClusterInfoContributorAutoConfiguration {

	@Bean
	@ConditionalOnEnabledInfoContributor("cluster")
	@ConditionalOnMissingBean
	ClusterInfoContributor clusterInfoContributor(ConfigurableEnvironment environment, ClusterProperties properties) {
		WorkerRuntime runtime = WorkerPropertySource.runtimeOf(environment);
		Duration timeout = properties.getIpc().getRequestTimeout();
		return new ClusterInfoContributor(runtime, () -> runtime.status(timeout));
	}

}
