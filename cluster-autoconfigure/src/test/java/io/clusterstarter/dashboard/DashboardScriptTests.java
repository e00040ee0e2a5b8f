package io.clusterstarter.dashboard;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.clusterstarter.it.HeadlessChromium;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard script's unit tests ({@code dashboard-tests.js}), run where the script runs: in
 * a real browser, headless Chromium, without Node.js. Each JavaScript test is a JUnit test.
 */
class DashboardScriptTests {

	private static final Path PAGE = Path.of("src/test/resources/io/clusterstarter/dashboard/dashboard-tests.html");

	@TestFactory
	List<DynamicTest> scriptTests() throws Exception {
		JsonNode results;
		try (HeadlessChromium browser = HeadlessChromium.start()) {
			browser.open(PAGE.toAbsolutePath().toUri().toString());
			results = browser.evaluate("window.dashboardTestResults || null");
		}
		assertThat(results.isArray()).as("the tests ran: dashboard.js and dashboard-tests.js loaded").isTrue();
		assertThat(results.size()).isGreaterThanOrEqualTo(20);
		List<DynamicTest> tests = new ArrayList<>();
		for (JsonNode result : results) {
			tests.add(DynamicTest.dynamicTest(result.path("name").asString(),
					() -> assertThat(result.path("passed").asBoolean()).as(result.path("message").asString("")).isTrue()));
		}
		return tests;
	}

}
