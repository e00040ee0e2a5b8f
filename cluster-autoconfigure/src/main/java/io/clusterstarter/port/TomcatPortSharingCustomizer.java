package io.clusterstarter.port;

import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes Tomcat's connector bind with {@code SO_REUSEPORT}, servlet or reactive.
 *
 * @author cluster-spring-boot-starter
 */
public class TomcatPortSharingCustomizer implements WebServerFactoryCustomizer<TomcatWebServerFactory>, Ordered {

	@Override
	public void customize(TomcatWebServerFactory factory) {
		String protocol = factory.getProtocol();
		if (!TomcatWebServerFactory.DEFAULT_PROTOCOL.equals(protocol)
				&& !ReusePortHttp11NioProtocol.class.getName().equals(protocol)) {
			throw new IllegalStateException("Cluster workers share the port through Tomcat's NIO connector, but the "
					+ "application sets protocol " + protocol + "; remove that setting to run as a cluster");
		}
		factory.setProtocol(ReusePortHttp11NioProtocol.class.getName());
	}

	/**
	 * Run last, after any customizer that sets the protocol, so a conflict is reported.
	 */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
