package io.clusterstarter.worker;

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
		return Mono.defer(() -> {
			this.statistics.started();
			return chain.filter(exchange).doFinally((signal) -> this.statistics.completed());
		});
	}

}
