package io.clusterstarter.dashboard;

import java.util.function.Supplier;

import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * WebFlux filter, after Spring Security's, that hands the exchange's CSRF token to the
 * dashboard's page with its data (see {@link DashboardCsrf}). Nothing is added where Spring
 * Security does not protect the exchange.
 *
 * @author cluster-spring-boot-starter
 */
public class DashboardCsrfWebFilter implements WebFilter {

	private final DashboardCsrf csrf;

	/**
	 * Create the filter.
	 * @param endpoints the web endpoints' paths
	 */
	public DashboardCsrfWebFilter(Supplier<PathMappedEndpoints> endpoints) {
		this.csrf = new DashboardCsrf(endpoints);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
		if (token == null || !this.csrf.isData(exchange.getRequest().getPath().value())) {
			return chain.filter(exchange);
		}
		return token.doOnNext((csrf) -> {
			exchange.getResponse().getHeaders().set(DashboardCsrf.HEADER_NAME, csrf.getHeaderName());
			exchange.getResponse().getHeaders().set(DashboardCsrf.TOKEN, csrf.getToken());
		}).then(chain.filter(exchange));
	}

}
