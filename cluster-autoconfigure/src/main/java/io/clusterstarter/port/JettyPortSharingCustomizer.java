package io.clusterstarter.port;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Makes Jetty's connectors, servlet or reactive, accept from the primary's shared queue on the
 * port that has one, and otherwise bind with {@code SO_REUSEPORT}.
 *
 * @author cluster-spring-boot-starter
 */
public class JettyPortSharingCustomizer implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory> {

	private final Integer sharedQueuePort;

	/**
	 * Create the customizer for a worker whose listeners each bind with {@code SO_REUSEPORT}.
	 */
	public JettyPortSharingCustomizer() {
		this(null);
	}

	/**
	 * Create the customizer.
	 * @param sharedQueuePort the port whose connections come from the primary's shared queue,
	 * or {@code null} when every port is bound with {@code SO_REUSEPORT}
	 */
	public JettyPortSharingCustomizer(Integer sharedQueuePort) {
		this.sharedQueuePort = sharedQueuePort;
	}

	@Override
	public void customize(ConfigurableJettyWebServerFactory factory) {
		factory.addServerCustomizers((server) -> {
			for (Connector connector : server.getConnectors()) {
				if (connector instanceof ServerConnector serverConnector) {
					customize(serverConnector);
				}
			}
		});
	}

	private void customize(ServerConnector connector) {
		if (this.sharedQueuePort == null || this.sharedQueuePort != connector.getPort()) {
			connector.setReusePort(true);
			return;
		}
		// Selector-thread accepting registers the socket with Jetty's own selectors, which only
		// take a channel of the JDK's; acceptor threads call accept() on the worker's view of it
		if (connector.getAcceptors() == 0) {
			throw new IllegalStateException("Cluster workers accept from the primary's shared queue with Jetty's "
					+ "acceptor threads, but server.jetty.threads.acceptors is 0; set it to 1 or more, or set "
					+ "cluster.balancing=reuse-port");
		}
		try {
			connector.open(SharedQueueChannel.ofInherited());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
