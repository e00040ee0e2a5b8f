package io.clusterstarter.autoconfigure;

import io.clusterstarter.ipc.IpcMessage;
import io.clusterstarter.worker.RequestStatistics;
import io.clusterstarter.worker.RequestStatisticsWebFilter;
import io.clusterstarter.worker.WorkerStatsReporter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterStatsAutoConfiguration}.
 */
class ClusterStatsAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(ClusterAutoConfiguration.class,
			ClusterStatsAutoConfiguration.class);

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(CONFIGURATIONS);

	@Test
	void runWhenNotAWorkerShouldNotReport() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(WorkerStatsReporter.class)
			.doesNotHaveBean(RequestStatistics.class));
	}

	@Test
	void runWhenWorkerWithoutWebServerShouldReportWithoutRequests() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker).run((context) -> {
			assertThat(context).hasSingleBean(WorkerStatsReporter.class).doesNotHaveBean(RequestStatistics.class);
			assertThat(context.getBean(WorkerStatsReporter.class).isRunning()).isTrue();
			IpcMessage.Stats stats = context.getBean(WorkerStatsReporter.class).collect();
			assertThat(stats.isValid()).isTrue();
			assertThat(stats.heapUsed()).isPositive();
			assertThat(stats.threads()).isPositive();
			assertThat(stats.requestsServed()).isNull();
		});
	}

	@Test
	void runWhenServletWorkerShouldCountRequestsWithAFilterFirstInTheChain() {
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.run((context) -> {
				assertThat(context).hasSingleBean(RequestStatistics.class).hasBean("requestStatisticsFilter");
				FilterRegistrationBean<?> filter = context.getBean("requestStatisticsFilter", FilterRegistrationBean.class);
				assertThat(filter.getOrder()).isEqualTo(Integer.MIN_VALUE);
				assertThat(context.getBean(WorkerStatsReporter.class).collect().requestsServed()).isZero();
			});
	}

	@Test
	void runWhenReactiveWorkerShouldCountRequestsWithAWebFilter() {
		new ReactiveWebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.run((context) -> assertThat(context).hasSingleBean(RequestStatistics.class)
				.hasSingleBean(RequestStatisticsWebFilter.class)
				.doesNotHaveBean("requestStatisticsFilter"));
	}

	@Test
	void runWhenDisabledShouldNeitherReportNorCount() {
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withPropertyValues("cluster.stats.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WorkerStatsReporter.class)
				.doesNotHaveBean(RequestStatistics.class)
				.doesNotHaveBean("requestStatisticsFilter"));
	}

	@Test
	void runWhenUserDefinesRequestStatisticsShouldUseThem() {
		RequestStatistics userStatistics = new RequestStatistics();
		userStatistics.started();
		userStatistics.completed();
		new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withBean(RequestStatistics.class, () -> userStatistics)
			.run((context) -> {
				assertThat(context).getBean(RequestStatistics.class).isSameAs(userStatistics);
				assertThat(context.getBean(WorkerStatsReporter.class).collect().requestsServed()).isEqualTo(1);
			});
	}

}
