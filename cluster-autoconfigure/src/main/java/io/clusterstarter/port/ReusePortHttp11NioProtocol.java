package io.clusterstarter.port;

import org.apache.coyote.http11.Http11NioProtocol;

/**
 * Tomcat's HTTP/1.1 NIO protocol on a {@link ReusePortNioEndpoint}. Tomcat creates protocols by
 * class name, hence the public no-argument constructor.
 *
 * @author cluster-spring-boot-starter
 */
public class ReusePortHttp11NioProtocol extends Http11NioProtocol {

	/**
	 * Create the protocol.
	 */
	public ReusePortHttp11NioProtocol() {
		super(new ReusePortNioEndpoint());
	}

}
