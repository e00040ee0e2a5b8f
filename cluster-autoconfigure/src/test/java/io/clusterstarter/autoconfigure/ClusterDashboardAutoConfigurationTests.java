package io.clusterstarter.autoconfigure;

import java.time.Duration;

import io.clusterstarter.dashboard.ClusterDashboardEndpoint;
import io.clusterstarter.dashboard.DashboardCsrfWebFilter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterDashboardAutoConfiguration}.
 */
class ClusterDashboardAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(EndpointAutoConfiguration.class,
			WebEndpointAutoConfiguration.class, ClusterAutoConfiguration.class, ClusterDashboardAutoConfiguration.class);

	private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
		.withConfiguration(CONFIGURATIONS);

	private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
		.withConfiguration(CONFIGURATIONS);

	@Test
	void notExposedByDefault() {
		this.servlet.run((context) -> assertThat(context).doesNotHaveBean(ClusterDashboardEndpoint.class)
			.doesNotHaveBean("dashboardCsrfFilter"));
	}

	@Test
	void exposedOnTheWebItHasTheEndpointAndTheCsrfFilter() {
		this.servlet.withPropertyValues("management.endpoints.web.exposure.include=clusterdashboard")
			.run((context) -> assertThat(context).hasSingleBean(ClusterDashboardEndpoint.class)
				.getBean("dashboardCsrfFilter")
				.isInstanceOf(FilterRegistrationBean.class));
	}

	@Test
	void withoutSpringSecurityThereIsNoCsrfFilter() {
		this.servlet.withPropertyValues("management.endpoints.web.exposure.include=clusterdashboard")
			.withClassLoader(new FilteredClassLoader("org.springframework.security"))
			.run((context) -> assertThat(context).hasSingleBean(ClusterDashboardEndpoint.class)
				.doesNotHaveBean("dashboardCsrfFilter"));
	}

	@Test
	void onWebFluxTheCsrfFilterIsAWebFilter() {
		this.reactive.withPropertyValues("management.endpoints.web.exposure.include=clusterdashboard")
			.run((context) -> assertThat(context).hasSingleBean(ClusterDashboardEndpoint.class)
				.hasSingleBean(DashboardCsrfWebFilter.class));
	}

	@Test
	void accessNoneTurnsItOff() {
		this.servlet
			.withPropertyValues("management.endpoints.web.exposure.include=clusterdashboard",
					"management.endpoint.clusterdashboard.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(ClusterDashboardEndpoint.class)
				.doesNotHaveBean("dashboardCsrfFilter"));
	}

	@Test
	void backsOffForTheUsersEndpoint() {
		ClusterDashboardEndpoint own = new ClusterDashboardEndpoint(null, Duration.ofSeconds(1), () -> null);
		this.servlet.withPropertyValues("management.endpoints.web.exposure.include=clusterdashboard")
			.withBean(ClusterDashboardEndpoint.class, () -> own)
			.run((context) -> assertThat(context).getBean(ClusterDashboardEndpoint.class).isSameAs(own));
	}

	@Test
	void unclusteredItAnswersWithAnEmptyClusterAndNoAction() {
		ClusterDashboardEndpoint endpoint = new ClusterDashboardEndpoint(null, Duration.ofSeconds(1), () -> null);
		assertThat(endpoint.page().getBody()).contains("<body data-dashboard=\"clusterdashboard\">");
		assertThat(endpoint.part("dashboard.js").getContentType()).hasToString("text/javascript;charset=UTF-8");
		assertThat(endpoint.part("elsewhere").getStatus()).isEqualTo(404);
		assertThat(endpoint.part(ClusterDashboardEndpoint.DATA).getBody()).asString()
			.contains("actions=null", "cluster=ClusterSnapshot[primary=null, workers={}]");
	}

}
