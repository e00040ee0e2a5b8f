package io.clusterstarter.it;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.clusterstarter.it.ClusterProcess.Response;
import io.clusterstarter.it.ClusterProcess.Server;
import io.clusterstarter.it.apps.servlet.ServletTestApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Actuator on a real cluster of two Tomcat workers: the cluster endpoint with live figures,
 * the merged Prometheus scrape, info, health through its transitions, and the dashboard in a
 * real browser. The tests run in order on the same cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterActuatorIntegrationTests {

	private static final Pattern SAMPLE = Pattern
		.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)( -?[0-9]+)?");

	private ClusterProcess cluster;

	private Map<Integer, Long> initial;

	/** How long the last answer from a live worker took, not counting attempts on a frozen one. */
	private Duration lastAnswerTime;

	@BeforeAll
	void startCluster() throws IOException {
		this.cluster = ClusterProcess.start("actuator", Server.TOMCAT, ServletTestApplication.class, List.of(),
				List.of("--cluster.workers=2", "--cluster.env[CLUSTER_TEST_SECRET]=s3cret",
						"--cluster.stats.interval=500ms", "--cluster.metrics.scrape-timeout=1s",
						"--management.endpoints.web.exposure.include=health,info,cluster,clusterdashboard,prometheus",
						"--management.endpoint.health.show-details=always"),
				ClusterProcess.freePort());
		this.initial = this.cluster.awaitListening(2, Duration.ofSeconds(120));
	}

	@AfterAll
	void stopCluster() throws Exception {
		ClusterProcess.stopCleanly(this.cluster);
	}

	@Test
	@Order(1)
	void endpointShowsThePrimaryAndLiveFiguresOfEveryWorker() {
		for (int i = 0; i < 20; i++) {
			this.cluster.getJson("/");
		}
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			JsonNode workers = this.cluster.cluster().get("workers");
			long served = 0;
			for (JsonNode worker : workers) {
				served += worker.get("report").get("requests").get("served").asLong();
			}
			assertThat(served).isGreaterThanOrEqualTo(20);
		});
		JsonNode view = this.cluster.cluster();
		JsonNode primary = view.get("primary");
		assertThat(primary.get("pid").asLong()).isEqualTo(this.cluster.pid());
		assertThat(primary.get("port").asInt()).isEqualTo(this.cluster.port());
		// The shared queue wherever it is available: Linux and Java 22 or later
		assertThat(primary.get("scheduling").asString())
			.isEqualTo((Runtime.version().feature() >= 22) ? "shared-queue" : "reuse-port");
		assertThat(Duration.parse(primary.get("uptime").asString())).isPositive();
		assertThat(primary.get("startTime").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
		JsonNode settings = primary.get("settings");
		assertThat(settings.get("workers").asInt()).isEqualTo(2);
		assertThat(settings.get("statsInterval").asString()).isEqualTo("PT0.5S");
		assertThat(settings.get("startupConcurrency").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
		assertThat(settings.get("env").get("CLUSTER_TEST_SECRET").asString()).isEqualTo("******");
		assertThat(view.toString()).doesNotContain("s3cret");
		assertThat(primary.get("counters").get("forks").asInt()).isEqualTo(2);
		assertThat(view.get("workers").propertyNames()).containsExactly("1", "2");
		// Exactly one of them is the lead worker
		assertThat(view.get("workers").valueStream().filter((worker) -> worker.get("lead").asBoolean())).hasSize(1);
		for (JsonNode worker : view.get("workers")) {
			assertThat(worker.get("pid").asLong()).isEqualTo(this.initial.get(worker.get("id").asInt()));
			assertThat(worker.get("ready").asBoolean()).isTrue();
			assertThat(worker.get("exitedAfterDisconnect").asBoolean()).isFalse();
			assertThat(Duration.parse(worker.get("uptime").asString())).isPositive();
			JsonNode report = worker.get("report");
			assertThat(report.get("stale").asBoolean()).isFalse();
			assertThat(Duration.parse(report.get("age").asString())).isLessThan(Duration.ofSeconds(3));
			assertThat(report.get("heap").get("used").asLong()).isPositive();
			assertThat(report.get("heap").get("committed").asLong())
				.isGreaterThanOrEqualTo(report.get("heap").get("used").asLong());
			assertThat(report.get("threads").asInt()).isGreaterThan(5);
			assertThat(Duration.parse(report.get("gcPause").asString()).isNegative()).isFalse();
			assertThat(report.get("requests").get("inFlight").asLong()).isBetween(0L, 1L);
		}
	}

	@Test
	@Order(2)
	void oneScrapeOfTheSharedPortHasEveryWorkersMetersLabelled() {
		Response response = ClusterProcess.get(this.cluster.port(), "/actuator/prometheus");
		assertThat(response.status()).isEqualTo(200);
		Map<String, List<String>> families = parseExposition(response.body());
		for (Map.Entry<Integer, Long> worker : this.initial.entrySet()) {
			String labels = "worker_id=\"" + worker.getKey() + "\",worker_slot=\"" + (worker.getKey() - 1) + "\"";
			assertThat(families.get("jvm_threads_live_threads")).anyMatch((sample) -> sample.contains(labels));
			assertThat(families.get("http_server_requests_seconds")).anyMatch((sample) -> sample.contains(labels));
		}
		assertThat(families.get("cluster_workers")).contains("cluster_workers{state=\"listening\"} 2.0");
		assertThat(families.get("cluster_worker_forks_total")).contains("cluster_worker_forks_total 2.0");
		assertThat(families.get("cluster_worker_startup_seconds")).contains("cluster_worker_startup_seconds_count 2");
		// Every worker's series carry a worker label; only the primary's cluster meters do not
		families.forEach((family, samples) -> samples.stream()
			.filter((sample) -> !sample.startsWith("cluster_"))
			.forEach((sample) -> assertThat(sample).contains("worker_id=\"")));
	}

	@Test
	@Order(3)
	void infoSummarizesTheCluster() {
		JsonNode info = this.cluster.getJson("/actuator/info").get("cluster");
		assertThat(info.get("primary").get("pid").asLong()).isEqualTo(this.cluster.pid());
		assertThat(info.get("workers").asInt()).isEqualTo(2);
		assertThat(info.get("serving").asInt()).isEqualTo(2);
		assertThat(info.get("worker").get("id").asInt()).isIn(1, 2);
	}

	@Test
	@Order(4)
	void implausibleFiguresAreIgnoredAndLogged() {
		JsonNode sender = this.cluster.getJson("/report-implausible");
		int id = sender.get("worker").asInt();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.cluster.log())
				.contains("Ignored implausible figures from worker " + id + " (pid " + sender.get("pid").asLong()));
		JsonNode report = this.cluster.cluster().get("workers").get(String.valueOf(id)).get("report");
		assertThat(report.get("stale").asBoolean()).isFalse();
		assertThat(report.get("heap").get("used").asLong()).isPositive();
		assertThat(report.get("threads").asInt()).isPositive();
	}

	@Test
	@Order(5)
	void frozenWorkerShowsAStaleReportAndIsLeftOutOfScrapes() throws Exception {
		long frozen = this.initial.get(2);
		ClusterProcess.signal("STOP", frozen);
		try {
			await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
				JsonNode report = fromLiveWorker("/actuator/cluster").get("workers").get("2").get("report");
				assertThat(report.get("stale").asBoolean()).isTrue();
				assertThat(report.has("heap")).isFalse();
				assertThat(report.has("requests")).isFalse();
				assertThat(Duration.parse(report.get("age").asString())).isGreaterThan(Duration.ofSeconds(2));
			});
			Response scrape = liveResponse("/actuator/prometheus");
			// The scrape waits for the frozen worker no longer than cluster.metrics.scrape-timeout
			assertThat(this.lastAnswerTime).isLessThan(Duration.ofSeconds(4));
			assertThat(scrape.status()).isEqualTo(200);
			Map<String, List<String>> families = parseExposition(scrape.body());
			assertThat(families.get("jvm_threads_live_threads")).anyMatch((sample) -> sample.contains("worker_id=\"1\""))
				.noneMatch((sample) -> sample.contains("worker_id=\"2\""));
			assertThat(families.get("cluster_scrape_workers_missed_total")).singleElement()
				.satisfies((sample) -> assertThat(sample).startsWith("cluster_scrape_workers_missed_total")
					.doesNotEndWith(" 0.0"));
			// The degraded capacity is not the primary's to judge: the frozen worker still listens
			assertThat(fromLiveWorker("/actuator/health").get("status").asString()).isEqualTo("UP");
		}
		finally {
			ClusterProcess.signal("CONT", frozen);
		}
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.cluster.cluster().get("workers").get("2").get("report").get("stale")
				.asBoolean()).isFalse());
	}

	@Test
	@Order(6)
	void healthIsUpThenDegradedThenUpAgain() throws Exception {
		JsonNode health = this.cluster.getJson("/actuator/health");
		assertThat(health.get("status").asString()).isEqualTo("UP");
		JsonNode component = health.get("components").get("cluster");
		assertThat(component.get("status").asString()).isEqualTo("UP");
		assertThat(component.get("details").get("expected").asInt()).isEqualTo(2);
		assertThat(component.get("details").get("serving").asInt()).isEqualTo(2);
		assertThat(component.get("details").get("workers").get("1").get("state").asString()).isEqualTo("listening");
		this.cluster.getJsonFrom(this.initial.get(2), "/leave?id=2");
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			Response response = ClusterProcess.get(this.cluster.port(), "/actuator/health");
			assertThat(response.status()).isEqualTo(200);
			JsonNode degraded = ClusterProcess.json.readTree(response.body());
			assertThat(degraded.get("status").asString()).isEqualTo("DEGRADED");
			assertThat(degraded.get("components").get("cluster").get("details").get("serving").asInt()).isEqualTo(1);
		});
		this.cluster.getJson("/primary/fork?env=CLUSTER_TEST_FORK=yes");
		this.cluster.awaitListening(2, Duration.ofSeconds(90));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.cluster.getJson("/actuator/health").get("status").asString())
				.isEqualTo("UP"));
	}

	@Test
	@Order(7)
	void killedWorkersReplacementAppearsWithANewIdAndIsCounted() throws Exception {
		Map<Integer, Long> before = this.cluster.listeningWorkers();
		ClusterProcess.signal("KILL", before.get(1));
		await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
			Map<Integer, Long> now = this.cluster.listeningWorkers();
			return now.size() == 2 && !now.containsKey(1);
		});
		JsonNode view = this.cluster.cluster();
		assertThat(view.get("workers").propertyNames()).doesNotContain("1", "2").hasSize(2);
		int newest = view.get("workers").propertyNames().stream().mapToInt(Integer::parseInt).max().orElseThrow();
		assertThat(newest).isGreaterThan(3);
		assertThat(view.get("workers").get(String.valueOf(newest)).get("slot").asInt()).isZero();
		JsonNode counters = view.get("primary").get("counters");
		assertThat(counters.get("forks").asInt()).isEqualTo(4);
		assertThat(counters.get("exits").asInt()).isEqualTo(2);
		assertThat(counters.get("restarts").asInt()).isEqualTo(1);
		Map<String, List<String>> families = parseExposition(body("/actuator/prometheus"));
		assertThat(families.get("cluster_worker_exits_total")).contains("cluster_worker_exits_total{cause=\"signal\"} 1.0",
				"cluster_worker_exits_total{cause=\"disconnect\"} 1.0");
		assertThat(families.get("cluster_worker_restarts_total")).contains("cluster_worker_restarts_total 1.0");
		assertThat(body("/actuator/cluster/" + String.format("%03d", newest))).contains("\"id\":" + newest);
	}

	@Test
	@Order(8)
	void writeOperationsAreOffByDefault() {
		ClusterProcess.Response response = ClusterProcess.post(this.cluster.port(), "/actuator/cluster",
				"{\"action\":\"rolling-restart\"}");
		assertThat(response.status()).isIn(404, 405);
		assertThat(this.cluster.log()).doesNotContain("Rolling restart");
	}

	@Test
	@Order(9)
	void dashboardShowsEveryWorkerLiveAndNoActionWhereWritesAreOff() throws Exception {
		String rows = "Array.from(document.querySelectorAll('#workers tbody tr[data-worker-id]'))";
		String listening = rows + ".filter((row) => row.cells[3].textContent.includes('listening'))"
				+ ".map((row) => Number(row.dataset.workerId)).sort((a, b) => a - b)";
		try (HeadlessChromium browser = HeadlessChromium.start()) {
			browser.open("http://127.0.0.1:" + this.cluster.port() + "/actuator/clusterdashboard");
			Map<Integer, Long> before = this.cluster.listeningWorkers();
			browser.waitUntil("a listening row per worker", listening + ".join() === "
					+ HeadlessChromium.quote(before.keySet().stream().sorted().map(String::valueOf)
						.collect(Collectors.joining(","))),
					Duration.ofSeconds(60));
			assertThat(browser.evaluate("document.querySelector('#primary').textContent").asString())
				.contains("Balancing", "Worker image", "Memory (RSS)");
			// Without write access, nothing on the page can act
			assertThat(browser.evaluate("document.getElementById('actions').hidden").asBoolean()).isTrue();
			assertThat(browser.evaluate("Array.from(document.querySelectorAll('.action-column')).every((c) => c.hidden)")
				.asBoolean()).isTrue();
			// Everything the page loaded came from the application itself
			assertThat(browser.evaluate("performance.getEntriesByType('resource').map((e) => e.name)"))
				.isNotEmpty()
				.allSatisfy((url) -> assertThat(url.asString()).startsWith("http://127.0.0.1:" + this.cluster.port()));
			browser.waitUntil("the cluster's memory over time drawn",
					"(document.querySelector('#pss-chart path.total')?.getAttribute('d') || '').startsWith('M')",
					Duration.ofSeconds(60));

			// A killed worker's replacement appears in the same page, and the exit is called out
			browser.evaluate("window.sameDocument = true");
			int victim = before.keySet().stream().min(Integer::compare).orElseThrow();
			ClusterProcess.signal("KILL", before.get(victim));
			browser.waitUntil("the replacement's row, listening, instead of the killed worker's",
					"(() => { const ids = " + listening + "; return ids.length === 2 && !ids.includes(" + victim
							+ ") && ids.some((id) => id > " + victim + "); })()",
					Duration.ofSeconds(120));
			assertThat(browser.evaluate("window.sameDocument === true").asBoolean()).as("updated without a reload")
				.isTrue();
			browser.waitUntil("the exit among the notices",
					"Array.from(document.querySelectorAll('#notices li.alert')).some((li) => li.textContent.includes("
							+ HeadlessChromium.quote("worker " + victim + " exited with code 137 (SIGKILL)") + "))",
					Duration.ofSeconds(10));
			assertThat(browser.evaluate("document.getElementById('events').textContent").asString())
				.contains("worker " + victim + " exited with code 137 (SIGKILL)");

			// At a phone's width: no sideways scrolling, each worker a card
			browser.viewport(390, 844, true);
			assertThat(browser.evaluate("document.documentElement.scrollWidth <= window.innerWidth").asBoolean())
				.as("the page fits 390 px").isTrue();
			assertThat(browser.evaluate("getComputedStyle(document.querySelector('#workers tbody tr')).display")
				.asString()).isEqualTo("block");
		}
	}

	/**
	 * Parse a scrape in the text format and check what the format demands: each family's HELP
	 * and TYPE once, its samples together, every sample well formed.
	 * @return the samples by family
	 */
	private static Map<String, List<String>> parseExposition(String text) {
		Map<String, List<String>> families = new HashMap<>();
		Set<String> closed = new HashSet<>();
		Set<String> helps = new HashSet<>();
		Set<String> types = new HashSet<>();
		String current = null;
		for (String line : text.split("\n")) {
			if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
				String name = line.split(" ")[2];
				assertThat((line.startsWith("# HELP ") ? helps : types).add(name))
					.as("one %s per family: %s", line.substring(2, 6), name)
					.isTrue();
				if (!name.equals(current)) {
					assertThat(closed).as("samples of %s together", name).doesNotContain(name);
					if (current != null) {
						closed.add(current);
					}
					current = name;
				}
				continue;
			}
			Matcher sample = SAMPLE.matcher(line);
			assertThat(sample.matches()).as("well-formed sample: %s", line).isTrue();
			assertThat(current).as("sample after its TYPE: %s", line).isNotNull();
			assertThat(sample.group(1)).startsWith(current);
			families.computeIfAbsent(current, (name) -> new ArrayList<>()).add(line);
		}
		assertThat(helps).isEqualTo(types);
		return families;
	}

	private String body(String path) {
		Response response = ClusterProcess.get(this.cluster.port(), path);
		assertThat(response.status()).as("GET %s", path).isEqualTo(200);
		return response.body();
	}

	/** The answer of whichever worker is not frozen. */
	private JsonNode fromLiveWorker(String path) {
		return ClusterProcess.json.readTree(liveResponse(path).body());
	}

	private Response liveResponse(String path) {
		for (int i = 0; i < 40; i++) {
			long start = System.nanoTime();
			try {
				Response response = ClusterProcess.get(this.cluster.port(), path, Duration.ofMillis(2500));
				this.lastAnswerTime = Duration.ofNanos(System.nanoTime() - start);
				return response;
			}
			catch (IllegalStateException ex) {
				// Reached the frozen worker: try a new connection
			}
		}
		throw new IllegalStateException("No live worker answered " + path);
	}

}
