package io.clusterstarter.port;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * {@link WebFilter} that closes the connection after each response while the worker leaves
 * ({@link LeavingConnections}).
 *
 * @author cluster-spring-boot-starter
 */
public class LeavingConnectionsWebFilter implements WebFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (LeavingConnections.requestStarted()) {
			exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
		}
		return chain.filter(exchange);
	}

}
