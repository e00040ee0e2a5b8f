package io.clusterstarter.autoconfigure;

import io.clusterstarter.worker.DatabaseNotices;
import io.clusterstarter.worker.HttpSessionNotice;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClusterNoticesAutoConfiguration}.
 */
class ClusterNoticesAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ClusterAutoConfiguration.class, ClusterNoticesAutoConfiguration.class));

	@Test
	void runWhenWorkerShouldHaveTheDatabaseAndSessionNotices() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.run((context) -> assertThat(context).hasSingleBean(DatabaseNotices.class)
				.hasSingleBean(HttpSessionNotice.class));
	}

	@Test
	void runWhenNotAWorkerShouldHaveNoNotices() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(DatabaseNotices.class)
			.doesNotHaveBean(HttpSessionNotice.class));
	}

	@Test
	void runWithoutSpringBootJdbcShouldHaveNoDatabaseNotices() {
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withClassLoader(new FilteredClassLoader(EmbeddedDatabaseConnection.class))
			.run((context) -> assertThat(context).doesNotHaveBean(DatabaseNotices.class)
				.hasSingleBean(HttpSessionNotice.class));
	}

	@Test
	void runWhenNotAServletApplicationShouldHaveNoSessionNotice() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ClusterAutoConfiguration.class, ClusterNoticesAutoConfiguration.class))
			.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.run((context) -> assertThat(context).hasSingleBean(DatabaseNotices.class)
				.doesNotHaveBean(HttpSessionNotice.class));
	}

	@Test
	void runWhenUserDefinesTheNoticesShouldBackOff() {
		DatabaseNotices mine = new DatabaseNotices(null, null, null);
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.withBean(DatabaseNotices.class, () -> mine)
			.run((context) -> assertThat(context).getBean(DatabaseNotices.class).isSameAs(mine));
	}

}
