package io.clusterstarter.it.apps.servlet;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A servlet application (Tomcat or Jetty, whichever is on the class path) for integration tests.
 */
@SpringBootApplication(scanBasePackages = "io.clusterstarter.it.apps.common")
public class ServletTestApplication {

	public static void main(String[] args) {
		SpringApplication.run(ServletTestApplication.class, args);
	}

}
