package io.clusterstarter.autoconfigure;

import io.clusterstarter.worker.RequestStatistics;
import io.clusterstarter.worker.RequestStatisticsFilter;
import io.clusterstarter.worker.RequestStatisticsWebFilter;
import io.clusterstarter.worker.WorkerPropertySource;
import io.clusterstarter.worker.WorkerStatsReporter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the figures a worker reports to its
 * primary: the reporter, and request counting for whichever web stack the application uses.
 * Only in a cluster worker; {@code cluster.stats.enabled=false} turns it all off.
 *
 * @author cluster-spring-boot-starter
 */
@AutoConfiguration(after = ClusterAutoConfiguration.class)
@ConditionalOnClusterWorker
@ConditionalOnProperty(name = "cluster.stats.enabled", matchIfMissing = true)
public final class ClusterStatsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	WorkerStatsReporter workerStatsReporter(ConfigurableEnvironment environment, ClusterProperties properties,
			ObjectProvider<RequestStatistics> requestStatistics) {
		return new WorkerStatsReporter(WorkerPropertySource.runtimeOf(environment), requestStatistics.getIfAvailable(),
				properties.getStats().getInterval());
	}

	@Bean
	@ConditionalOnWebApplication
	@ConditionalOnMissingBean
	RequestStatistics requestStatistics() {
		return new RequestStatistics();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(name = { "jakarta.servlet.Filter", "org.springframework.web.filter.OncePerRequestFilter" })
	static class ServletRequestStatisticsConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "requestStatisticsFilter")
		FilterRegistrationBean<RequestStatisticsFilter> requestStatisticsFilter(RequestStatistics requestStatistics) {
			FilterRegistrationBean<RequestStatisticsFilter> registration = new FilterRegistrationBean<>(
					new RequestStatisticsFilter(requestStatistics));
			// First in the chain, so a request rejected by a later filter still counts
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			return registration;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass(name = "org.springframework.web.server.WebFilter")
	static class ReactiveRequestStatisticsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		RequestStatisticsWebFilter requestStatisticsWebFilter(RequestStatistics requestStatistics) {
			return new RequestStatisticsWebFilter(requestStatistics);
		}

	}

}
