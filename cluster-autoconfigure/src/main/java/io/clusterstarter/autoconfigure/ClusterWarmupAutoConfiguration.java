package io.clusterstarter.autoconfigure;

import io.clusterstarter.warmup.WarmupObservationPredicate;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} of what a worker's warm-up
 * ({@code cluster.warmup}) needs from the application: its requests left out of the
 * observations that make {@code http.server.requests}. Only in a cluster worker of a web
 * application that has Micrometer's observations; the warm-up itself needs nothing else.
 *
 * @author cluster-spring-boot-starter
 */
@AutoConfiguration(after = ClusterAutoConfiguration.class)
@ConditionalOnClusterWorker
@ConditionalOnWebApplication
@ConditionalOnClass(name = "io.micrometer.observation.ObservationPredicate")
public final class ClusterWarmupAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WarmupObservationPredicate warmupObservationPredicate() {
		return new WarmupObservationPredicate();
	}

}
