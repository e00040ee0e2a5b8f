package io.clusterstarter.warmup;

import java.io.IOException;
import java.util.List;

import org.apache.catalina.LifecycleException;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;

import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;

/**
 * The warm-up listener of Tomcat: a connector of Tomcat's own NIO protocol added to the running
 * server's service, so that its requests go through the same engine, host and context (and so
 * the same servlet filters and dispatch) as the application's; removed when the warm-up ends.
 * It takes the application connector's request handling settings (what {@code server.*} and
 * {@code server.tomcat.*} set: header and body limits, relaxed characters, compression, URI
 * encoding, and the scheme, so that an HTTPS connector's requests are secure here too), so that
 * a warm-up request is answered as the same request on the shared port would be.
 *
 * @author cluster-spring-boot-starter
 */
final class TomcatWarmupListener implements WarmupListener {

	/** The protocol handler's settings that shape how a request is read and answered. */
	private static final List<String> PROTOCOL_SETTINGS = List.of("maxHttpRequestHeaderSize",
			"maxHttpResponseHeaderSize", "maxHeaderCount", "maxTrailerSize", "maxSwallowSize", "maxExtensionSize",
			"relaxedPathChars", "relaxedQueryChars", "allowHostHeaderMismatch", "compression", "compressionMinSize",
			"compressibleMimeType", "noCompressionUserAgents", "server", "serverRemoveAppProvidedValues",
			"connectionTimeout", "keepAliveTimeout", "maxKeepAliveRequests");

	private final Service service;

	private final Connector connector;

	private TomcatWarmupListener(Service service, Connector connector) {
		this.service = service;
		this.connector = connector;
	}

	static TomcatWarmupListener open(WebServer server) throws IOException {
		Service service = ((TomcatWebServer) server).getTomcat().getService();
		Connector connector = new Connector("org.apache.coyote.http11.Http11NioProtocol");
		Connector application = ((TomcatWebServer) server).getTomcat().getConnector();
		if (application != null) {
			copySettings(application, connector);
		}
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

	/**
	 * Give the warm-up connector the application connector's request handling settings.
	 * @param application the application's connector
	 * @param warmup the warm-up connector, not started
	 */
	static void copySettings(Connector application, Connector warmup) {
		for (String name : PROTOCOL_SETTINGS) {
			Object value = application.getProperty(name);
			if (value != null) {
				warmup.setProperty(name, String.valueOf(value));
			}
		}
		warmup.setURIEncoding(application.getURIEncoding());
		warmup.setUseBodyEncodingForURI(application.getUseBodyEncodingForURI());
		warmup.setMaxPostSize(application.getMaxPostSize());
		warmup.setMaxSavePostSize(application.getMaxSavePostSize());
		warmup.setMaxParameterCount(application.getMaxParameterCount());
		warmup.setParseBodyMethods(application.getParseBodyMethods());
		warmup.setAllowTrace(application.getAllowTrace());
		warmup.setEnableLookups(application.getEnableLookups());
		warmup.setXpoweredBy(application.getXpoweredBy());
		warmup.setScheme(application.getScheme());
		warmup.setSecure(application.getSecure());
		warmup.setProxyName(application.getProxyName());
		warmup.setProxyPort(application.getProxyPort());
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
