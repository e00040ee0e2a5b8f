package io.clusterstarter.autoconfigure;

import io.clusterstarter.port.AcceptQueue;
import io.clusterstarter.port.JettyPortSharingCustomizer;
import io.clusterstarter.port.LeavingConnectionsFilter;
import io.clusterstarter.port.LeavingConnectionsWebFilter;
import io.clusterstarter.port.NettyPortSharingCustomizer;
import io.clusterstarter.port.TomcatPortSharingCustomizer;
import org.apache.coyote.http11.Http11NioProtocol;
import org.eclipse.jetty.server.ServerConnector;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * {@link EnableAutoConfiguration Auto-configuration} that lets every worker serve
 * {@code server.port}, on whichever embedded server the application uses: accepting from the
 * primary's one listening socket ({@code cluster.balancing=shared-queue}), or binding a listener
 * of its own with {@code SO_REUSEPORT}. Active in workers only. Each customizer backs off only for a bean in the same
 * context, because the management server's child context needs its own.
 *
 * @author cluster-spring-boot-starter
 */
@AutoConfiguration
@ConditionalOnClusterWorker
@Import({ ClusterPortSharingAutoConfiguration.Tomcat.class, ClusterPortSharingAutoConfiguration.Jetty.class,
		ClusterPortSharingAutoConfiguration.Netty.class, ClusterPortSharingAutoConfiguration.ServletLeaving.class,
		ClusterPortSharingAutoConfiguration.ReactiveLeaving.class })
public final class ClusterPortSharingAutoConfiguration {

	/**
	 * The port whose connections come from the primary's shared queue, as the primary told the
	 * worker ({@code cluster.balancing} resolved), or {@code null} when each worker listens.
	 */
	static Integer sharedQueuePort(Environment environment) {
		return AcceptQueue.SHARED_QUEUE.equals(environment.getProperty("cluster.balancing"))
				? environment.getProperty("server.port", Integer.class) : null;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ TomcatWebServerFactory.class, Http11NioProtocol.class })
	static class Tomcat {

		@Bean
		@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
		TomcatPortSharingCustomizer tomcatPortSharingCustomizer(Environment environment) {
			return new TomcatPortSharingCustomizer(sharedQueuePort(environment));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ConfigurableJettyWebServerFactory.class, ServerConnector.class })
	static class Jetty {

		@Bean
		@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
		JettyPortSharingCustomizer jettyPortSharingCustomizer(Environment environment) {
			return new JettyPortSharingCustomizer(sharedQueuePort(environment));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ NettyReactiveWebServerFactory.class, HttpServer.class })
	static class Netty {

		@Bean
		@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
		NettyPortSharingCustomizer nettyPortSharingCustomizer(Environment environment,
				ObjectProvider<ReactorResourceFactory> resourceFactory) {
			return new NettyPortSharingCustomizer(sharedQueuePort(environment), resourceFactory.getIfUnique());
		}

	}

	/**
	 * A leaving worker's responses close their connections, so that no keep-alive client sends
	 * a request on a connection the graceful shutdown is about to close. Only the shared queue's
	 * channels drain so; with a listener per worker the filters would only cost each request.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "cluster.balancing", havingValue = AcceptQueue.SHARED_QUEUE)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(name = { "jakarta.servlet.Filter", "org.springframework.web.filter.OncePerRequestFilter" })
	static class ServletLeaving {

		@Bean
		@ConditionalOnMissingBean(name = "leavingConnectionsFilter")
		FilterRegistrationBean<LeavingConnectionsFilter> leavingConnectionsFilter() {
			FilterRegistrationBean<LeavingConnectionsFilter> registration = new FilterRegistrationBean<>(
					new LeavingConnectionsFilter());
			// First: a request another filter answers keeps its connection otherwise
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			return registration;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "cluster.balancing", havingValue = AcceptQueue.SHARED_QUEUE)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass(name = "org.springframework.web.server.WebFilter")
	static class ReactiveLeaving {

		@Bean
		@ConditionalOnMissingBean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		LeavingConnectionsWebFilter leavingConnectionsWebFilter() {
			return new LeavingConnectionsWebFilter();
		}

	}

}
