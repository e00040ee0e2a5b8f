package io.clusterstarter.autoconfigure;

import io.clusterstarter.OnOneWorker;
import io.clusterstarter.worker.LeadWorker;
import io.clusterstarter.worker.OnOneWorkerBeanPostProcessor;
import io.clusterstarter.worker.WorkerPropertySource;
import io.clusterstarter.worker.WorkerRuntime;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for {@link OnOneWorker @OnOneWorker}: its
 * methods run only in the lead worker, or always when the application is not clustered.
 *
 * @author cluster-spring-boot-starter
 */
@AutoConfiguration
public final class ClusterLeadWorkerAutoConfiguration {

	/** Without clustering, the one JVM is the lead. */
	private static final LeadWorker ALWAYS = LeadWorker.always();

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static OnOneWorkerBeanPostProcessor onOneWorkerBeanPostProcessor(ConfigurableEnvironment environment) {
		// A post-processor is created before other beans: it looks the runtime up itself
		return new OnOneWorkerBeanPostProcessor(() -> {
			WorkerRuntime runtime = WorkerPropertySource.runtimeOf(environment);
			return (runtime != null) ? runtime.lead() : ALWAYS;
		});
	}
}
