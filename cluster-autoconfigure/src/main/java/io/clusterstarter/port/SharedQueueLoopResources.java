package io.clusterstarter.port;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/**
 * A server's loop resources whose server channel is the worker's shared listening socket
 * ({@link SharedQueueNettyChannel}); everything else comes from the resources the server would
 * use. The server runs on the NIO transport, to which the inherited socket belongs.
 *
 * @author cluster-spring-boot-starter
 */
final class SharedQueueLoopResources implements LoopResources {

	private final LoopResources resources;

	SharedQueueLoopResources(LoopResources resources) {
		this.resources = resources;
	}

	@Override
	public <CHANNEL extends Channel> CHANNEL onChannel(Class<CHANNEL> channelType, EventLoopGroup group) {
		if (ServerSocketChannel.class.equals(channelType)) {
			try {
				return channelType.cast(SharedQueueNettyChannel.ofInherited());
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return this.resources.onChannel(channelType, group);
	}

	@Override
	public <CHANNEL extends Channel> Class<? extends CHANNEL> onChannelClass(Class<CHANNEL> channelType,
			EventLoopGroup group) {
		return this.resources.onChannelClass(channelType, group);
	}

	@Override
	public EventLoopGroup onServer(boolean useNative) {
		return this.resources.onServer(useNative);
	}

	@Override
	public EventLoopGroup onServerSelect(boolean useNative) {
		return this.resources.onServerSelect(useNative);
	}

	@Override
	public EventLoopGroup onClient(boolean useNative) {
		return this.resources.onClient(useNative);
	}

	@Override
	public boolean daemon() {
		return this.resources.daemon();
	}

	@Override
	public void dispose() {
		this.resources.dispose();
	}

	@Override
	public Mono<Void> disposeLater() {
		return this.resources.disposeLater();
	}

	@Override
	public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
		return this.resources.disposeLater(quietPeriod, timeout);
	}

	@Override
	public boolean isDisposed() {
		return this.resources.isDisposed();
	}

}
