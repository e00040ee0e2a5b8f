package io.clusterstarter.it.apps.reactive;

import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.WebSession;

/**
 * A WebFlux application on Reactor Netty for integration tests.
 */
@SpringBootApplication(scanBasePackages = "io.clusterstarter.it.apps.common")
@Import(ReactiveTestApplication.SessionController.class)
public class ReactiveTestApplication {

	public static void main(String[] args) {
		SpringApplication.run(ReactiveTestApplication.class, args);
	}

	/** Keeps a value in the WebFlux session, as a login or a CSRF token would. */
	@RestController
	static class SessionController {

		@GetMapping("/web-session")
		Mono<Map<String, Object>> webSession(WebSession session) {
			session.getAttributes().put("visits", (int) session.getAttributes().getOrDefault("visits", 0) + 1);
			return Mono.just(Map.of("pid", ProcessHandle.current().pid(), "session", session.getId()));
		}

	}

}
