package io.clusterstarter.dashboard;

import java.io.IOException;
import java.util.function.Supplier;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Servlet filter, after Spring Security's, that hands the request's CSRF token to the
 * dashboard's page with its data (see {@link DashboardCsrf}). Nothing is added where Spring
 * Security does not protect the request.
 *
 * @author cluster-spring-boot-starter
 */
public class DashboardCsrfFilter extends OncePerRequestFilter {

	private final DashboardCsrf csrf;

	/**
	 * Create the filter.
	 * @param endpoints the web endpoints' paths
	 */
	public DashboardCsrfFilter(Supplier<PathMappedEndpoints> endpoints) {
		this.csrf = new DashboardCsrf(endpoints);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token
				&& this.csrf.isData(request.getRequestURI())) {
			response.setHeader(DashboardCsrf.HEADER_NAME, token.getHeaderName());
			response.setHeader(DashboardCsrf.TOKEN, token.getToken());
		}
		chain.doFilter(request, response);
	}

}
