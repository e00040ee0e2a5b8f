package io.clusterstarter.it.apps.securedreactive;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;

/**
 * A WebFlux application secured for people with a browser: operators (role {@code OPS}) sign in
 * with HTTP Basic and every write needs Spring Security's CSRF token. The token is kept in a
 * cookie, not in the session: a worker's session lives in that worker's memory only, and the
 * next request may reach another worker.
 */
@SpringBootApplication(scanBasePackages = "io.clusterstarter.it.apps.common")
public class SecuredReactiveTestApplication {

	public static void main(String[] args) {
		SpringApplication.run(SecuredReactiveTestApplication.class, args);
	}

	@Bean
	SecurityWebFilterChain security(ServerHttpSecurity http) {
		return http
			.authorizeExchange((exchanges) -> exchanges.pathMatchers("/actuator/health/**").permitAll()
				.anyExchange().hasRole("OPS"))
			.httpBasic(Customizer.withDefaults())
			.csrf((csrf) -> csrf.csrfTokenRepository(new CookieServerCsrfTokenRepository()))
			.build();
	}

	@Bean
	MapReactiveUserDetailsService users() {
		return new MapReactiveUserDetailsService(
				User.withUsername("ops").password("{noop}ops-secret").roles("OPS").build());
	}

}
