package io.clusterstarter.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.clusterstarter.it.ClusterProcess.Server;
import io.clusterstarter.it.apps.securedreactive.SecuredReactiveTestApplication;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard of a WebFlux cluster whose application has Spring Security with CSRF protection,
 * in a real browser, with write access on: every action is asked for, confirmed, sent with the
 * CSRF token, and its outcome shown, refusals included; the keyboard alone can do it.
 */
class ClusterDashboardIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String OPS = ClusterProcess.basic("ops", "ops-secret");

	private static final String OUTCOME = "document.getElementById('outcome').textContent";

	private static final String DIALOG_OPEN = "document.getElementById('confirm').open";

	@Test
	void webFluxDashboardActsThroughTheApplicationsSecurityAndCsrf() throws Exception {
		Path releases = Files.createTempDirectory("dashboard-releases");
		try (TemporaryDirectory cleanup = new TemporaryDirectory(releases)) {
			Files.writeString(releases.resolve("not-a-release.jar"), "not a zip file");
			try (ClusterProcess cluster = ClusterProcess.start("dashboard", Server.NETTY_SECURED,
					SecuredReactiveTestApplication.class, List.of(),
					List.of("--cluster.workers=2",
							"--management.endpoints.web.exposure.include=health,cluster,clusterdashboard",
							"--management.endpoint.cluster.access=unrestricted", "--cluster.deploy.directory=" + releases),
					ClusterProcess.freePort())) {
				int port = cluster.port();
				await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
					.until(() -> cluster.listeningWorkersAs(OPS).size() == 2);
				// The application's rules hold: no page without credentials, no write without the token
				assertThat(ClusterProcess.get(port, "/actuator/clusterdashboard").status()).isEqualTo(401);
				assertThat(ClusterProcess.request(port, "POST", "/actuator/cluster", "{\"action\":\"rolling-restart\"}",
						OPS, TIMEOUT).status()).isEqualTo(403);

				try (HeadlessChromium browser = HeadlessChromium.start()) {
					browser.extraHeaders(Map.of("Authorization", OPS));
					browser.open("http://127.0.0.1:" + port + "/actuator/clusterdashboard");
					browser.waitUntil("both workers listening, and the actions",
							"document.querySelectorAll('#workers tbody tr[data-worker-id]').length === 2"
									+ " && !document.getElementById('actions').hidden",
							Duration.ofSeconds(60));
					assertThat(browser.evaluate("document.querySelectorAll('.restart-worker:not([hidden])').length")
						.asInt()).isEqualTo(2);
					assertThat(browser.evaluate("Array.from(document.getElementById('deploy-artifact').options)"
							+ ".map((o) => o.value)").toString()).isEqualTo("[\"not-a-release.jar\"]");

					// Asked first: Escape sends nothing
					browser.tabTo("#rolling-restart", 40);
					browser.press("Enter", false);
					browser.waitUntil("the confirmation", DIALOG_OPEN, TIMEOUT);
					assertThat(browser.evaluate("document.activeElement.id").asString()).isEqualTo("confirm-cancel");
					browser.press("Escape", false);
					browser.waitUntil("the confirmation closed", "!" + DIALOG_OPEN, TIMEOUT);
					assertThat(browser.evaluate(OUTCOME).asString()).isEmpty();
					assertThat(browser.evaluate("document.activeElement.id").asString()).isEqualTo("rolling-restart");

					// A refusal comes with its reason (here: a cluster launched from classes, not a jar)
					browser.evaluate("document.getElementById('deploy').click()");
					browser.waitUntil("the deploy's confirmation", DIALOG_OPEN, TIMEOUT);
					browser.evaluate("document.getElementById('confirm-ok').click()");
					browser.waitUntil("the deploy refused, with the primary's reason",
							OUTCOME + ".startsWith('✖ Deploy refused (409): This primary cannot deploy')", TIMEOUT);

					// A rolling restart from the keyboard alone, through the CSRF protection
					browser.tabTo("#rolling-restart", 40);
					browser.press("Enter", false);
					browser.waitUntil("the confirmation", DIALOG_OPEN, TIMEOUT);
					browser.press("Tab", false);
					assertThat(browser.evaluate("document.activeElement.id").asString()).isEqualTo("confirm-ok");
					browser.press("Enter", false);
					browser.waitUntil("the rolling restart started", OUTCOME + " === '✔ Rolling restart started (2 workers)'",
							TIMEOUT);

					// One worker's restart while the roll runs is refused, and says why
					browser.evaluate("document.querySelector('.restart-worker').click()");
					browser.waitUntil("the restart's confirmation", DIALOG_OPEN, TIMEOUT);
					browser.evaluate("document.getElementById('confirm-ok').click()");
					browser.waitUntil("the restart refused", OUTCOME + ".startsWith('✖ Restart of worker ') && "
							+ OUTCOME + ".includes(' refused (409): ')", TIMEOUT);

					// The roll's end shows in the same page
					browser.waitUntil("the roll completed among the events",
							"document.getElementById('events').textContent.includes('rolling restart completed: 2 workers replaced')",
							Duration.ofSeconds(180));
				}
				assertThat(cluster.stop(Duration.ofSeconds(60))).isZero();
			}
		}
	}

}
