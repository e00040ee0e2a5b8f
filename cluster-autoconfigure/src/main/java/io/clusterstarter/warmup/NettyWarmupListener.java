package io.clusterstarter.warmup;

import java.net.InetSocketAddress;
import java.time.Duration;

import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.context.ApplicationContext;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;

/**
 * The warm-up listener of Reactor Netty: a second server on the application's own
 * {@link HttpHandler} (WebFlux's filters, handlers and codecs), since a Netty server binds one
 * address; disposed of when the warm-up ends. It runs on Reactor Netty's default loops, and
 * none of the application server's customizers apply to it (those of this starter would make it
 * accept from the shared queue).
 *
 * @author cluster-spring-boot-starter
 */
final class NettyWarmupListener implements WarmupListener {

	private static final Duration BIND_TIMEOUT = Duration.ofSeconds(10);

	private final DisposableServer server;

	private NettyWarmupListener(DisposableServer server) {
		this.server = server;
	}

	static NettyWarmupListener open(ApplicationContext context) {
		HttpHandler handler = context.getBean(HttpHandler.class);
		DisposableServer server = HttpServer.create()
			.bindAddress(() -> new InetSocketAddress("127.0.0.1", 0))
			.handle(new ReactorHttpHandlerAdapter(handler))
			.bindNow(BIND_TIMEOUT);
		return new NettyWarmupListener(server);
	}

	@Override
	public int port() {
		return this.server.port();
	}

	@Override
	public void close() {
		this.server.disposeNow(BIND_TIMEOUT);
	}

}
