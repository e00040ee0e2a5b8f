package io.clusterstarter.autoconfigure;

import io.clusterstarter.worker.DatabaseNotices;
import io.clusterstarter.worker.HttpSessionNotice;
import io.clusterstarter.worker.WebSessionNotice;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.InMemoryWebSessionStore;
import org.springframework.web.server.session.WebSessionStore;

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

	@Test
	void runWhenReactiveWorkerShouldWatchOnlyTheSessionManagerThatKeepsSessionsInMemory() {
		ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ClusterAutoConfiguration.class, ClusterNoticesAutoConfiguration.class))
			.withInitializer(ClusterAutoConfigurationTests::makeWorker);
		reactive.withBean("webSessionManager", DefaultWebSessionManager.class, DefaultWebSessionManager::new)
			.run((context) -> {
				assertThat(context).hasSingleBean(WebSessionNotice.class).doesNotHaveBean(HttpSessionNotice.class);
				DefaultWebSessionManager manager = context.getBean(DefaultWebSessionManager.class);
				assertThat(manager.getClass()).as("watched").isNotEqualTo(DefaultWebSessionManager.class);
				assertThat(manager.getSessionStore()).isInstanceOf(InMemoryWebSessionStore.class);
			});
		// A store of another kind stands for one that every worker reads
		reactive.withBean("webSessionManager", DefaultWebSessionManager.class, () -> {
			DefaultWebSessionManager manager = new DefaultWebSessionManager();
			manager.setSessionStore(new OtherStore(new InMemoryWebSessionStore()));
			return manager;
		}).run((context) -> assertThat(context.getBean(DefaultWebSessionManager.class).getClass()).as("not watched")
			.isEqualTo(DefaultWebSessionManager.class));
		this.runner.withInitializer(ClusterAutoConfigurationTests::makeWorker)
			.run((context) -> assertThat(context).doesNotHaveBean(WebSessionNotice.class));
	}

	/** A session store that is not Spring's in-memory one. */
	private record OtherStore(WebSessionStore delegate) implements WebSessionStore {

		@Override
		public Mono<WebSession> createWebSession() {
			return this.delegate.createWebSession();
		}

		@Override
		public Mono<WebSession> retrieveSession(String sessionId) {
			return this.delegate.retrieveSession(sessionId);
		}

		@Override
		public Mono<Void> removeSession(String sessionId) {
			return this.delegate.removeSession(sessionId);
		}

		@Override
		public Mono<WebSession> updateLastAccessTime(WebSession webSession) {
			return this.delegate.updateLastAccessTime(webSession);
		}

	}

}
