package io.clusterstarter.autoconfigure;

import io.clusterstarter.actuate.ClusterEndpoint;
import io.clusterstarter.actuate.ClusterEndpointWebExtension;
import io.clusterstarter.worker.WorkerPropertySource;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@link ClusterEndpoint} and its web
 * extension. Optional: it needs Spring Boot Actuator on the class path.
 *
 * @author cluster-spring-boot-starter
 */
@AutoConfiguration(after = ClusterAutoConfiguration.class)
@ConditionalOnClass({ ClusterEndpoint.class, ConditionalOnAvailableEndpoint.class })
@EnableConfigurationProperties(ClusterEndpointProperties.class)
public final class ClusterEndpointAutoConfiguration {

	// On the method, so that the class-level @ConditionalOnClass is checked before this
	// annotation's condition class has to be loaded
	@Bean
	@ConditionalOnAvailableEndpoint(ClusterEndpoint.class)
	@ConditionalOnMissingBean
	ClusterEndpoint clusterEndpoint(ConfigurableEnvironment environment, ClusterProperties properties,
			ClusterEndpointProperties endpointProperties) {
		return new ClusterEndpoint(WorkerPropertySource.runtimeOf(environment), properties.getIpc().getRequestTimeout(),
				endpointProperties.getShowValues(), endpointProperties.getRoles());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ClusterEndpoint.class)
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	ClusterEndpointWebExtension clusterEndpointWebExtension(ClusterEndpoint clusterEndpoint) {
		return new ClusterEndpointWebExtension(clusterEndpoint);
	}

}
