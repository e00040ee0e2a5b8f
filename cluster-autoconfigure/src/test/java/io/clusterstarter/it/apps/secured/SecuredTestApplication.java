package io.clusterstarter.it.apps.secured;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * A servlet application secured as docs/actuator.md shows: probes may read health, operators (role
 * {@code OPS}) may read and act on every other endpoint, the cluster's included, and the
 * application's own pages need a login.
 */
@SpringBootApplication(scanBasePackages = { "io.clusterstarter.it.apps.common", "io.clusterstarter.it.apps.secured" })
public class SecuredTestApplication {

	public static void main(String[] args) {
		SpringApplication.run(SecuredTestApplication.class, args);
	}

	// tag::actuator-security[]
	@Bean
	@Order(1)
	SecurityFilterChain actuatorSecurity(HttpSecurity http) throws Exception {
		return http.securityMatcher(EndpointRequest.toAnyEndpoint())
			.authorizeHttpRequests((requests) -> requests
				.requestMatchers(EndpointRequest.to(HealthEndpoint.class)).permitAll()
				.anyRequest().hasRole("OPS"))
			.httpBasic(Customizer.withDefaults())
			// Operators' tools (curl, CI) send credentials with each request, not a browser's cookie
			.sessionManagement((session) -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
			.csrf((csrf) -> csrf.disable())
			.build();
	}
	// end::actuator-security[]

	@Bean
	@Order(2)
	SecurityFilterChain applicationSecurity(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.httpBasic(Customizer.withDefaults())
			.build();
	}

	@Bean
	InMemoryUserDetailsManager users() {
		return new InMemoryUserDetailsManager(User.withUsername("ops").password("{noop}ops-secret").roles("OPS").build(),
				User.withUsername("user").password("{noop}user-secret").roles("USER").build());
	}

}
