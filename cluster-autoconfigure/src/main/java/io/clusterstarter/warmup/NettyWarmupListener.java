package io.clusterstarter.warmup;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import io.clusterstarter.port.NettyPortSharingCustomizer;
import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.Compression;
import org.springframework.context.ApplicationContext;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.util.InvalidMimeTypeException;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;
import org.springframework.util.StringUtils;

/**
 * The warm-up listener of Reactor Netty: a second server on the application's own
 * {@link HttpHandler} (WebFlux's filters, handlers and codecs), since a Netty server binds one
 * address; disposed of when the warm-up ends. It gets the application server's customizers
 * (what {@code server.*} and {@code server.netty.*} set, such as the request decoder's limits,
 * and the application's own) and its compression, but not this starter's port sharing, which
 * would make it accept from the shared queue; it runs on Reactor Netty's default loops unless a
 * customizer says otherwise.
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
		HttpServer server = HttpServer.create();
		NettyReactiveWebServerFactory factory = context.getBeanProvider(NettyReactiveWebServerFactory.class)
			.getIfAvailable();
		if (factory != null) {
			server = asTheApplicationsServer(server, factory);
		}
		DisposableServer bound = server.bindAddress(() -> new InetSocketAddress("127.0.0.1", 0))
			.handle(new ReactorHttpHandlerAdapter(handler))
			.bindNow(BIND_TIMEOUT);
		return new NettyWarmupListener(bound);
	}

	/**
	 * Configure a server as the factory configures the application's, without port sharing.
	 * @param server the warm-up's server
	 * @param factory the application's server factory
	 * @return the server, configured
	 */
	static HttpServer asTheApplicationsServer(HttpServer server, NettyReactiveWebServerFactory factory) {
		Compression compression = factory.getCompression();
		if (compression != null && compression.getEnabled()) {
			// Parsed once, as the application server's own predicate does, not per response
			List<MimeType> types = (compression.getMimeTypes() != null)
					? Arrays.stream(compression.getMimeTypes()).map(MimeTypeUtils::parseMimeType).toList() : List.of();
			String[] excluded = (compression.getExcludedUserAgents() != null) ? compression.getExcludedUserAgents()
					: new String[0];
			server = server.compress((int) compression.getMinResponseSize().toBytes())
				.compress((request, response) -> compressible(types, excluded, request, response));
		}
		for (NettyServerCustomizer customizer : factory.getServerCustomizers()) {
			if (!(customizer instanceof NettyPortSharingCustomizer.PortSharing)) {
				server = customizer.apply(server);
			}
		}
		return server;
	}

	/**
	 * What Spring Boot compresses: a response of the configured types, unless the request's user
	 * agent is one of the excluded ones.
	 */
	private static boolean compressible(List<MimeType> types, String[] excludedUserAgents, HttpServerRequest request,
			HttpServerResponse response) {
		if (Arrays.stream(excludedUserAgents)
			.anyMatch((agent) -> request.requestHeaders().contains(HttpHeaderNames.USER_AGENT, agent, true))) {
			return false;
		}
		String contentType = response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE);
		if (!StringUtils.hasLength(contentType)) {
			return false;
		}
		try {
			MimeType type = MimeTypeUtils.parseMimeType(contentType);
			return types.stream().anyMatch((candidate) -> candidate.isCompatibleWith(type));
		}
		catch (InvalidMimeTypeException ex) {
			return false;
		}
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
