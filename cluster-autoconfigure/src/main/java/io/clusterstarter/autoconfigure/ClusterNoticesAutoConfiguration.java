package io.clusterstarter.autoconfigure;

import javax.sql.DataSource;

import io.clusterstarter.worker.DatabaseNotices;
import io.clusterstarter.worker.HttpSessionNotice;
import io.clusterstarter.worker.WebSessionNotice;
import io.clusterstarter.worker.WorkerPropertySource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the notices a worker sends its primary
 * about state that every worker keeps of its own: an in-memory database, SQL initialisation that
 * runs in every worker, and HTTP sessions (servlet or WebFlux) in each worker's memory. Only in a
 * cluster worker.
 *
 * @author cluster-spring-boot-starter
 */
@AutoConfiguration(after = ClusterAutoConfiguration.class)
@ConditionalOnClusterWorker
public final class ClusterNoticesAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ DataSource.class, org.springframework.boot.jdbc.EmbeddedDatabaseConnection.class })
	static class DatabaseNoticesConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DatabaseNotices clusterDatabaseNotices(ConfigurableEnvironment environment,
				ObjectProvider<DataSource> dataSources) {
			return new DatabaseNotices(WorkerPropertySource.runtimeOf(environment), dataSources, environment);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(name = "jakarta.servlet.http.HttpSessionListener")
	@ConditionalOnMissingClass("org.springframework.session.Session")
	static class HttpSessionNoticeConfiguration {

		@Bean
		@ConditionalOnMissingBean
		HttpSessionNotice clusterHttpSessionNotice(ConfigurableEnvironment environment) {
			return new HttpSessionNotice(WorkerPropertySource.runtimeOf(environment));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass(name = { "reactor.core.publisher.Mono",
			"org.springframework.web.server.session.InMemoryWebSessionStore" })
	@ConditionalOnMissingClass("org.springframework.session.Session")
	static class WebSessionNoticeConfiguration {

		@Bean
		@ConditionalOnMissingBean
		static WebSessionNotice clusterWebSessionNotice(ConfigurableEnvironment environment) {
			return new WebSessionNotice(environment);
		}

	}

}
