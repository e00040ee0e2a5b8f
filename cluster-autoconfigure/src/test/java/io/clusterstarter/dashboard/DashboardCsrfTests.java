package io.clusterstarter.dashboard;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's data hands its page Spring Security's CSRF token, on a real server of each
 * stack, with Spring Security's defaults (the token kept in the session): a write without the
 * token is refused, the same write with it gets through to the cluster endpoint. Unclustered
 * applications, so that one JVM tests the filters; the browser tests show a cluster.
 */
class DashboardCsrfTests {

	private static final String AUTHORIZATION = "Basic "
			+ Base64.getEncoder().encodeToString("ops:ops-secret".getBytes());

	@Test
	void springMvc() throws Exception {
		check(ServletApplication.class, WebApplicationType.SERVLET);
	}

	@Test
	void webFlux() throws Exception {
		check(ReactiveApplication.class, WebApplicationType.REACTIVE);
	}

	private void check(Class<?> application, WebApplicationType type) throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(application).web(type)
			.properties("server.port=0", "cluster.enabled=false", "spring.main.banner-mode=off",
					"management.endpoints.web.exposure.include=cluster,clusterdashboard",
					"management.endpoint.cluster.access=unrestricted")
			.run()) {
			String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
			HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
			HttpResponse<String> data = client.send(get(base + "/actuator/clusterdashboard/data"),
					HttpResponse.BodyHandlers.ofString());
			assertThat(data.statusCode()).isEqualTo(200);
			assertThat(data.headers().firstValue(DashboardCsrf.HEADER_NAME)).hasValue("X-CSRF-TOKEN");
			String token = data.headers().firstValue(DashboardCsrf.TOKEN).orElseThrow();
			// Only the dashboard's own data carries it
			assertThat(client.send(get(base + "/actuator/cluster"), HttpResponse.BodyHandlers.ofString())
				.headers()
				.firstValue(DashboardCsrf.TOKEN)).isEmpty();

			HttpRequest.Builder roll = HttpRequest.newBuilder(URI.create(base + "/actuator/cluster"))
				.header("Authorization", AUTHORIZATION)
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"rolling-restart\"}"));
			// Refused without the token (Spring Security answers 401 on Spring MVC, 403 on WebFlux)
			assertThat(client.send(roll.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isIn(401, 403);
			HttpResponse<String> passed = client.send(roll.header("X-CSRF-TOKEN", token).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(passed.statusCode()).as(passed.body()).isEqualTo(409);
			assertThat(passed.body()).contains("The application is not clustered");
		}
	}

	private static HttpRequest get(String url) {
		return HttpRequest.newBuilder(URI.create(url)).header("Authorization", AUTHORIZATION).build();
	}

	private static UserDetails operator() {
		return User.withUsername("ops").password("{noop}ops-secret").roles("OPS").build();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ServletApplication {

		@Bean
		SecurityFilterChain security(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().hasRole("OPS"))
				.httpBasic(Customizer.withDefaults())
				.build();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(operator());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ReactiveApplication {

		@Bean
		SecurityWebFilterChain security(ServerHttpSecurity http) {
			return http.authorizeExchange((exchanges) -> exchanges.anyExchange().hasRole("OPS"))
				.httpBasic(Customizer.withDefaults())
				.build();
		}

		@Bean
		MapReactiveUserDetailsService users() {
			return new MapReactiveUserDetailsService(operator());
		}

	}

}
