package io.clusterstarter.warmup;

import java.io.IOException;

import org.apache.catalina.LifecycleException;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;

import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;

/**
 * The warm-up listener of Tomcat: a connector of Tomcat's own NIO protocol added to the running
 * server's service, so that its requests go through the same engine, host and context (and so
 * the same servlet filters and dispatch) as the application's; removed when the warm-up ends.
 *
 * @author cluster-spring-boot-starter
 */
final class TomcatWarmupListener implements WarmupListener {

	private final Service service;

	private final Connector connector;

	private TomcatWarmupListener(Service service, Connector connector) {
		this.service = service;
		this.connector = connector;
	}

	static TomcatWarmupListener open(WebServer server) throws IOException {
		Service service = ((TomcatWebServer) server).getTomcat().getService();
		Connector connector = new Connector("org.apache.coyote.http11.Http11NioProtocol");
		connector.setProperty("address", "127.0.0.1");
		connector.setPort(0);
		// Started at once: the service runs
		service.addConnector(connector);
		if (connector.getLocalPort() <= 0) {
			service.removeConnector(connector);
			throw new IOException("Tomcat's warm-up connector did not start");
		}
		return new TomcatWarmupListener(service, connector);
	}

	@Override
	public int port() {
		return this.connector.getLocalPort();
	}

	@Override
	public void close() {
		// Stops the connector, closing its connections
		this.service.removeConnector(this.connector);
		try {
			this.connector.destroy();
		}
		catch (LifecycleException ex) {
			// Stopped already; nothing is left listening
		}
	}

}
