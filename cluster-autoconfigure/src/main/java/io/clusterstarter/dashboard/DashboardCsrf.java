package io.clusterstarter.dashboard;

import java.util.function.Supplier;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;

/**
 * How the dashboard's page learns Spring Security's CSRF token: the answers to its polls carry
 * the token and the header to send it in, so that its actions pass the application's CSRF
 * protection as a form of the application's own would. The token comes from the request, where
 * Spring Security put it; only the dashboard's own data carries it.
 *
 * @author cluster-spring-boot-starter
 */
final class DashboardCsrf {

	/** The response header that names the request header to send the token in. */
	static final String HEADER_NAME = "Cluster-Csrf-Header";

	/** The response header with the token. */
	static final String TOKEN = "Cluster-Csrf-Token";

	private final Supplier<PathMappedEndpoints> endpoints;

	DashboardCsrf(Supplier<PathMappedEndpoints> endpoints) {
		this.endpoints = endpoints;
	}

	/**
	 * Return whether a request asks for the dashboard's data.
	 * @param path the request's path
	 * @return whether its answer carries the token
	 */
	boolean isData(String path) {
		if (!path.endsWith("/" + ClusterDashboardEndpoint.DATA)) {
			return false;
		}
		PathMappedEndpoints mapped = this.endpoints.get();
		String self = (mapped != null) ? mapped.getPath(EndpointId.of(ClusterDashboardEndpoint.ID)) : null;
		return self != null && path.endsWith(self + "/" + ClusterDashboardEndpoint.DATA);
	}

}
