package io.clusterstarter.autoconfigure;

import io.clusterstarter.port.JettyPortSharingCustomizer;
import io.clusterstarter.port.NettyPortSharingCustomizer;
import io.clusterstarter.port.TomcatPortSharingCustomizer;
import org.apache.coyote.http11.Http11NioProtocol;
import org.eclipse.jetty.server.ServerConnector;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * {@link EnableAutoConfiguration Auto-configuration} that lets every worker bind
 * {@code server.port}: {@code SO_REUSEPORT} on the listener of whichever embedded server the
 * application uses. Active in workers only. Each customizer backs off only for a bean in the same
 * context, because the management server's child context needs its own.
 *
 * @author cluster-spring-boot-starter
 */
@AutoConfiguration
@ConditionalOnClusterWorker
@Import({ ClusterPortSharingAutoConfiguration.Tomcat.class, ClusterPortSharingAutoConfiguration.Jetty.class,
		ClusterPortSharingAutoConfiguration.Netty.class })
public final class ClusterPortSharingAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ TomcatWebServerFactory.class, Http11NioProtocol.class })
	static class Tomcat {

		@Bean
		@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
		TomcatPortSharingCustomizer tomcatPortSharingCustomizer() {
			return new TomcatPortSharingCustomizer();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ConfigurableJettyWebServerFactory.class, ServerConnector.class })
	static class Jetty {

		@Bean
		@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
		JettyPortSharingCustomizer jettyPortSharingCustomizer() {
			return new JettyPortSharingCustomizer();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ NettyReactiveWebServerFactory.class, HttpServer.class })
	static class Netty {

		@Bean
		@ConditionalOnMissingBean(search = SearchStrategy.CURRENT)
		NettyPortSharingCustomizer nettyPortSharingCustomizer() {
			return new NettyPortSharingCustomizer();
		}

	}

}
