package io.clusterstarter.port;

import java.net.StandardSocketOptions;

import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.unix.UnixChannelOption;
import reactor.netty.resources.LoopResources;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Makes Reactor Netty's server bind with {@code SO_REUSEPORT}. The option has to match the
 * transport: a native transport (epoll, io_uring, kqueue) ignores the NIO option and the NIO
 * transport ignores the native one, and either mismatch makes the second worker fail to bind.
 *
 * @author cluster-spring-boot-starter
 */
public class NettyPortSharingCustomizer implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory> {

	@Override
	public void customize(NettyReactiveWebServerFactory factory) {
		boolean nativeTransport = LoopResources.DEFAULT_NATIVE && LoopResources.hasNativeSupport();
		factory.addServerCustomizers((server) -> nativeTransport ? server.option(UnixChannelOption.SO_REUSEPORT, true)
				: server.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true));
	}

}
