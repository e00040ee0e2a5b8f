package io.clusterstarter.warmup;

import java.io.IOException;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.WebServer;

/**
 * The warm-up listener of Jetty: a connector added to the running server, with the HTTP
 * configuration of the application's connector, so that its requests go through the same
 * handlers; removed when the warm-up ends.
 *
 * @author cluster-spring-boot-starter
 */
final class JettyWarmupListener implements WarmupListener {

	private final Server server;

	private final ServerConnector connector;

	private JettyWarmupListener(Server server, ServerConnector connector) {
		this.server = server;
		this.connector = connector;
	}

	static JettyWarmupListener open(WebServer webServer) throws IOException {
		Server server = ((JettyWebServer) webServer).getServer();
		HttpConfiguration configuration = new HttpConfiguration();
		for (Connector existing : server.getConnectors()) {
			HttpConnectionFactory http = existing.getConnectionFactory(HttpConnectionFactory.class);
			if (http != null) {
				configuration = http.getHttpConfiguration();
				break;
			}
		}
		// Selector accepting (no acceptor thread): a plain socket of the JDK's, unlike the shared queue's
		ServerConnector connector = new ServerConnector(server, 0, 1, new HttpConnectionFactory(configuration));
		connector.setHost("127.0.0.1");
		connector.setPort(0);
		server.addConnector(connector);
		try {
			connector.start();
		}
		catch (Exception ex) {
			server.removeConnector(connector);
			throw new IOException("Jetty's warm-up connector did not start: " + ex.getMessage(), ex);
		}
		return new JettyWarmupListener(server, connector);
	}

	@Override
	public int port() {
		return this.connector.getLocalPort();
	}

	@Override
	public void close() {
		try {
			this.connector.stop();
		}
		catch (Exception ex) {
			// Closed with its connections, or never fully started
		}
		this.server.removeConnector(this.connector);
	}

}
