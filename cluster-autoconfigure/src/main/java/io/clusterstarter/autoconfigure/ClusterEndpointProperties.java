package io.clusterstarter.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for the cluster endpoint.
 *
 * @author cluster-spring-boot-starter
 */
@ConfigurationProperties("management.endpoint.cluster")
public class ClusterEndpointProperties {

	/**
	 * When to show the values of the workers' environment variables (cluster.env); they are
	 * masked otherwise.
	 */
	private Show showValues = Show.NEVER;

	/**
	 * Roles that may see the values when show-values is 'when-authorized'. When empty, any
	 * authenticated user may.
	 */
	private Set<String> roles = new LinkedHashSet<>();

	public Show getShowValues() {
		return this.showValues;
	}

	public void setShowValues(Show showValues) {
		this.showValues = showValues;
	}

	public Set<String> getRoles() {
		return this.roles;
	}

	public void setRoles(Set<String> roles) {
		this.roles = roles;
	}

}
