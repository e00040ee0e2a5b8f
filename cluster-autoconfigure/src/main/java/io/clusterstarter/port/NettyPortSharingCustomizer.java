package io.clusterstarter.port;

import java.net.StandardSocketOptions;

import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.unix.UnixChannelOption;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Makes Reactor Netty's server accept from the primary's shared queue on the port that has one,
 * and otherwise bind with {@code SO_REUSEPORT}. The option has to match the transport: a native
 * transport (epoll, io_uring, kqueue) ignores the NIO option and the NIO transport ignores the
 * native one, and either mismatch makes the second worker fail to bind.
 *
 * @author cluster-spring-boot-starter
 */
public class NettyPortSharingCustomizer implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory> {

	private final Integer sharedQueuePort;

	private final ReactorResourceFactory resourceFactory;

	/**
	 * Create the customizer for a worker whose listeners each bind with {@code SO_REUSEPORT}.
	 */
	public NettyPortSharingCustomizer() {
		this(null, null);
	}

	/**
	 * Create the customizer.
	 * @param sharedQueuePort the port whose connections come from the primary's shared queue,
	 * or {@code null} when every port is bound with {@code SO_REUSEPORT}
	 * @param resourceFactory the application's Reactor resources, or {@code null} for Reactor
	 * Netty's global ones
	 */
	public NettyPortSharingCustomizer(Integer sharedQueuePort, ReactorResourceFactory resourceFactory) {
		this.sharedQueuePort = sharedQueuePort;
		this.resourceFactory = resourceFactory;
	}

	@Override
	public void customize(NettyReactiveWebServerFactory factory) {
		if (this.sharedQueuePort != null && this.sharedQueuePort == factory.getPort()) {
			// The server would be put on the resource factory's loops as it starts, after every
			// customizer: it gets the same loops here, with the shared socket as its channel
			factory.setResourceFactory(null);
			factory.addServerCustomizers((PortSharing) this::acceptFromSharedQueue);
			return;
		}
		boolean nativeTransport = LoopResources.DEFAULT_NATIVE && LoopResources.hasNativeSupport();
		factory.addServerCustomizers((PortSharing) (server) -> nativeTransport
				? server.option(UnixChannelOption.SO_REUSEPORT, true)
				: server.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true));
	}

	/**
	 * A server customizer of this class's: it is for the application's server on the shared port
	 * only, so that another server built from the factory's customizers (the warm-up's) leaves it
	 * out.
	 */
	public interface PortSharing extends NettyServerCustomizer {

	}

	private HttpServer acceptFromSharedQueue(HttpServer server) {
		LoopResources loops = (this.resourceFactory != null) ? this.resourceFactory.getLoopResources()
				: server.configuration().loopResources();
		return server.runOn(new SharedQueueLoopResources(loops), false);
	}

}
