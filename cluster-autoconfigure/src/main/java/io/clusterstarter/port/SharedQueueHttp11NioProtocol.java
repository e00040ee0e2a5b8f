package io.clusterstarter.port;

import org.apache.coyote.http11.Http11NioProtocol;

/**
 * Tomcat's HTTP/1.1 NIO protocol on a {@link SharedQueueNioEndpoint}. Tomcat creates protocols
 * by class name, hence the public no-argument constructor.
 *
 * @author cluster-spring-boot-starter
 */
public class SharedQueueHttp11NioProtocol extends Http11NioProtocol {

	/**
	 * Create the protocol.
	 */
	public SharedQueueHttp11NioProtocol() {
		super(new SharedQueueNioEndpoint());
	}

}
