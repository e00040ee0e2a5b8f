package io.clusterstarter.port;

import java.util.Set;

import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Makes Tomcat's connector, servlet or reactive, accept from the primary's shared queue on the
 * port that has one, and otherwise bind with {@code SO_REUSEPORT}.
 *
 * @author cluster-spring-boot-starter
 */
public class TomcatPortSharingCustomizer implements WebServerFactoryCustomizer<TomcatWebServerFactory>, Ordered {

	private static final Set<String> OURS = Set.of(ReusePortHttp11NioProtocol.class.getName(),
			SharedQueueHttp11NioProtocol.class.getName());

	private final Integer sharedQueuePort;

	/**
	 * Create the customizer for a worker whose listeners each bind with {@code SO_REUSEPORT}.
	 */
	public TomcatPortSharingCustomizer() {
		this(null);
	}

	/**
	 * Create the customizer.
	 * @param sharedQueuePort the port whose connections come from the primary's shared queue,
	 * or {@code null} when every port is bound with {@code SO_REUSEPORT}
	 */
	public TomcatPortSharingCustomizer(Integer sharedQueuePort) {
		this.sharedQueuePort = sharedQueuePort;
	}

	@Override
	public void customize(TomcatWebServerFactory factory) {
		String protocol = factory.getProtocol();
		if (!TomcatWebServerFactory.DEFAULT_PROTOCOL.equals(protocol) && !OURS.contains(protocol)) {
			throw new IllegalStateException("Cluster workers share the port through Tomcat's NIO connector, but the "
					+ "application sets protocol " + protocol + "; remove that setting to run as a cluster");
		}
		boolean shared = this.sharedQueuePort != null && this.sharedQueuePort == factory.getPort();
		factory.setProtocol((shared ? SharedQueueHttp11NioProtocol.class : ReusePortHttp11NioProtocol.class).getName());
	}

	/**
	 * Run last, after any customizer that sets the protocol, so a conflict is reported.
	 */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
