package io.clusterstarter.it.apps.reactive;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A WebFlux application on Reactor Netty for integration tests.
 */
@SpringBootApplication(scanBasePackages = "io.clusterstarter.it.apps.common")
public class ReactiveTestApplication {

	public static void main(String[] args) {
		SpringApplication.run(ReactiveTestApplication.class, args);
	}

}
