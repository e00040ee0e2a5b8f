package io.clusterstarter.it.apps.data;

import java.sql.Connection;
import java.util.Map;

import jakarta.servlet.http.HttpSession;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A servlet application with what a new Spring project often has: the in-memory database Spring
 * Boot configures when H2 is on the class path, and HTTP sessions, both of which every worker
 * has of its own.
 */
@SpringBootApplication(scanBasePackages = { "io.clusterstarter.it.apps.common", "io.clusterstarter.it.apps.data" })
public class DataTestApplication {

	public static void main(String[] args) {
		SpringApplication.run(DataTestApplication.class, args);
	}

	@RestController
	static class DataController {

		private final JdbcTemplate jdbc;

		DataController(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@GetMapping("/database")
		Map<String, Object> database() {
			return Map.of("pid", ProcessHandle.current().pid(),
					"url", this.jdbc.execute((Connection connection) -> connection.getMetaData().getURL()));
		}

		@GetMapping("/session")
		Map<String, Object> session(HttpSession session) {
			return Map.of("pid", ProcessHandle.current().pid(), "session", session.getId());
		}

	}

}
