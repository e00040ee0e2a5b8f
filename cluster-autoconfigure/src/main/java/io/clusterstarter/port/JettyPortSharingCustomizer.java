package io.clusterstarter.port;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Makes Jetty's connectors bind with {@code SO_REUSEPORT}, servlet or reactive.
 *
 * @author cluster-spring-boot-starter
 */
public class JettyPortSharingCustomizer implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> {

	@Override
	public void customize(ConfigurableJettyWebServerFactory factory) {
		factory.addServerCustomizers((server) -> {
			for (Connector connector : server.getConnectors()) {
				if (connector instanceof ServerConnector serverConnector) {
					serverConnector.setReusePort(true);
				}
			}
		});
	}

}
