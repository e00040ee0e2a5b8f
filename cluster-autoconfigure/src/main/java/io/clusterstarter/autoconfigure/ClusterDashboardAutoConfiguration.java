package io.clusterstarter.autoconfigure;

import io.clusterstarter.dashboard.ClusterDashboardEndpoint;
import io.clusterstarter.dashboard.DashboardCsrfFilter;
import io.clusterstarter.dashboard.DashboardCsrfWebFilter;
import io.clusterstarter.worker.WorkerPropertySource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the cluster's dashboard: its endpoint,
 * available like any other ({@code management.endpoints.web.exposure.include=clusterdashboard}),
 * and, under Spring Security, the filter that hands its page the CSRF token.
 *
 * @author cluster-spring-boot-starter
 */
@AutoConfiguration(after = ClusterAutoConfiguration.class)
@ConditionalOnClass({ ClusterDashboardEndpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnWebApplication
public final class ClusterDashboardAutoConfiguration {

	/**
	 * Spring Security's CSRF filter runs at -100; this runs after it, when the token is known.
	 */
	private static final int AFTER_SECURITY = 0;

	@Bean
	@ConditionalOnAvailableEndpoint(ClusterDashboardEndpoint.class)
	@ConditionalOnMissingBean
	ClusterDashboardEndpoint clusterDashboardEndpoint(ConfigurableEnvironment environment,
			ClusterProperties properties, ObjectProvider<PathMappedEndpoints> endpoints) {
		return new ClusterDashboardEndpoint(WorkerPropertySource.runtimeOf(environment),
				properties.getIpc().getRequestTimeout(), endpoints::getIfAvailable);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(name = { "org.springframework.security.web.csrf.CsrfToken", "jakarta.servlet.Filter" })
	@ConditionalOnAvailableEndpoint(ClusterDashboardEndpoint.class)
	static class ServletCsrf {

		@Bean
		@ConditionalOnMissingBean(name = "dashboardCsrfFilter")
		FilterRegistrationBean<DashboardCsrfFilter> dashboardCsrfFilter(ObjectProvider<PathMappedEndpoints> endpoints) {
			FilterRegistrationBean<DashboardCsrfFilter> registration = new FilterRegistrationBean<>(
					new DashboardCsrfFilter(endpoints::getIfAvailable));
			registration.setOrder(AFTER_SECURITY);
			return registration;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass(name = "org.springframework.security.web.server.csrf.CsrfToken")
	@ConditionalOnAvailableEndpoint(ClusterDashboardEndpoint.class)
	static class ReactiveCsrf {

		@Bean
		@ConditionalOnMissingBean
		@Order(AFTER_SECURITY)
		DashboardCsrfWebFilter dashboardCsrfWebFilter(ObjectProvider<PathMappedEndpoints> endpoints) {
			return new DashboardCsrfWebFilter(endpoints::getIfAvailable);
		}

	}

}
