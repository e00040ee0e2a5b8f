package io.clusterstarter.worker;

import java.net.InetSocketAddress;

import io.clusterstarter.warmup.WarmupTraffic;
import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * {@link WebFilter} that feeds {@link RequestStatistics} in a reactive application.
 *
 * @author cluster-spring-boot-starter
 */
public class RequestStatisticsWebFilter implements WebFilter {

	private final RequestStatistics statistics;

	/**
	 * Create the filter.
	 * @param statistics where requests are counted
	 */
	public RequestStatisticsWebFilter(RequestStatistics statistics) {
		this.statistics = statistics;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		InetSocketAddress local = exchange.getRequest().getLocalAddress();
		if (local != null && WarmupTraffic.isWarmup(local.getPort())) {
			// The warm-up's requests are not traffic
			return chain.filter(exchange);
		}
		return Mono.defer(() -> {
			this.statistics.started();
			return chain.filter(exchange).doFinally((signal) -> this.statistics.completed());
		});
	}

}
