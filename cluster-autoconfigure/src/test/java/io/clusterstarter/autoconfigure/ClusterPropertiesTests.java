package io.clusterstarter.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link ClusterProperties} validation and its failure analysis.
 */
class ClusterPropertiesTests {

	private final ClusterProperties properties = new ClusterProperties();

	@Test
	void defaultsAreValid() {
		assertThatNoException().isThrownBy(this.properties::validate);
	}

	@Test
	void autoMeansOneWorkerPerProcessor() {
		assertThat(this.properties.resolveWorkers(6)).isEqualTo(6);
		this.properties.setWorkers(" AUTO ");
		assertThat(this.properties.resolveWorkers(0)).isEqualTo(1);
		this.properties.setWorkers("4");
		assertThat(this.properties.resolveWorkers(2)).isEqualTo(4);
	}

	@Test
	void negativeWorkersAreReportedWithDescriptionAndAction() {
		this.properties.setWorkers("-1");
		FailureAnalysis analysis = analyze();
		assertThat(analysis.getDescription())
			.isEqualTo("Invalid value '-1' for property 'cluster.workers': it must be at least 1.");
		assertThat(analysis.getAction()).isEqualTo(
				"Set 'cluster.workers' to a positive number of workers, or 'auto' for one per available processor, "
						+ "or set 'cluster.enabled=false' to run the application without clustering.");
	}

	@Test
	void nonNumericWorkersAreReported() {
		this.properties.setWorkers("two");
		assertThat(analyze().getDescription())
			.isEqualTo("Invalid value 'two' for property 'cluster.workers': it is neither a number nor 'auto'.");
	}

	@Test
	void negativeDurationsAreReported() {
		this.properties.getRestart().setInitialBackoff(Duration.ofSeconds(-1));
		assertThat(analyze().getDescription()).isEqualTo(
				"Invalid value 'PT-1S' for property 'cluster.restart.initial-backoff': it must not be negative.");
	}

	@Test
	void statsIntervalOutsideItsBoundsIsReported() {
		this.properties.getStats().setInterval(Duration.ofMillis(10));
		assertThat(analyze().getDescription())
			.isEqualTo("Invalid value 'PT0.01S' for property 'cluster.stats.interval': it must be between 100ms and 10m.");
		this.properties.getStats().setInterval(Duration.ofHours(1));
		assertThat(analyze().getAction()).startsWith("Set 'cluster.stats.interval' to a duration such as 5s");
	}

	@Test
	void historyOutsideItsBoundsIsReported() {
		this.properties.getStats().setHistory(Duration.ofSeconds(30));
		assertThat(analyze().getDescription())
			.isEqualTo("Invalid value 'PT30S' for property 'cluster.stats.history': it must be between 1m and 24h, or 0.");
		this.properties.getStats().setHistory(Duration.ofDays(2));
		assertThat(analyze().getAction()).startsWith("Set 'cluster.stats.history' to a duration such as 1h");
		this.properties.getStats().setHistory(Duration.ZERO);
		this.properties.validate();
	}

	@Test
	void scrapeTimeoutNotShorterThanRequestTimeoutIsReported() {
		this.properties.getMetrics().setScrapeTimeout(Duration.ofSeconds(5));
		assertThat(analyze().getDescription()).isEqualTo("Invalid value 'PT5S' for property "
				+ "'cluster.metrics.scrape-timeout': it is not shorter than cluster.ipc.request-timeout (PT5S).");
	}

	@Test
	void heartbeatTimeoutShorterThanTwoIntervalsIsReported() {
		this.properties.getHeartbeat().setInterval(Duration.ofSeconds(5));
		this.properties.getHeartbeat().setTimeout(Duration.ofSeconds(9));
		assertThat(analyze().getDescription()).isEqualTo("Invalid value 'PT9S' for property "
				+ "'cluster.heartbeat.timeout': it is shorter than twice cluster.heartbeat.interval (PT5S).");
	}

	@Test
	void negativeMaxFailuresIsReported() {
		this.properties.getRestart().setMaxFailures(-1);
		assertThat(analyze().getDescription())
			.isEqualTo("Invalid value '-1' for property 'cluster.restart.max-failures': it must not be negative.");
	}

	@Test
	void zeroStartupTimeoutIsReported() {
		this.properties.setStartupTimeout(Duration.ZERO);
		assertThat(analyze().getDescription())
			.isEqualTo("Invalid value 'PT0S' for property 'cluster.startup-timeout': it must be positive.");
	}

	@Test
	void zeroRequestTimeoutIsReported() {
		this.properties.getIpc().setRequestTimeout(Duration.ZERO);
		assertThat(analyze().getDescription())
			.isEqualTo("Invalid value 'PT0S' for property 'cluster.ipc.request-timeout': it must be positive.");
	}

	@Test
	void maxBackoffShorterThanInitialIsReported() {
		this.properties.getRestart().setMaxBackoff(Duration.ofMillis(50));
		assertThat(analyze().getDescription()).startsWith("Invalid value 'PT0.05S' for property 'cluster.restart.max-backoff'");
	}

	@Test
	void multiplierBelowOneIsReported() {
		this.properties.getRestart().setMultiplier(0.5);
		assertThat(analyze().getDescription()).contains("'cluster.restart.multiplier': it must be at least 1.");
	}

	@Test
	void tinyMessageSizeIsReported() {
		this.properties.getIpc().setMaxMessageSize(DataSize.ofBytes(10));
		assertThat(analyze().getDescription()).contains("'cluster.ipc.max-message-size'");
	}

	@Test
	void invalidEnvironmentVariableNameIsReported() {
		this.properties.getEnv().put("A=B", "x");
		assertThat(analyze().getDescription()).contains("is not a valid environment variable name");
	}

	@Test
	void rollingRestartParallelismBelowOneIsReported() {
		this.properties.getRollingRestart().setParallelism(0);
		assertThat(analyze().getDescription()).isEqualTo(
				"Invalid value '0' for property 'cluster.rolling-restart.parallelism': it must be at least 1.");
	}

	@Test
	void recycleLimitsAreValidWithStats() {
		this.properties.getRecycle().setMaxRequests(10_000);
		this.properties.getRecycle().setMaxRequestsJitter(500);
		this.properties.getRecycle().setMaxHeapAfterGc(DataSize.ofMegabytes(512));
		this.properties.getRecycle().setMaxRss(DataSize.ofGigabytes(1));
		assertThatNoException().isThrownBy(this.properties::validate);
	}

	@Test
	void negativeMaxRequestsIsReported() {
		this.properties.getRecycle().setMaxRequests(-5);
		assertThat(analyze().getDescription())
			.isEqualTo("Invalid value '-5' for property 'cluster.recycle.max-requests': it must not be negative.");
	}

	@Test
	void jitterWithoutMaxRequestsIsReported() {
		this.properties.getRecycle().setMaxRequestsJitter(100);
		FailureAnalysis analysis = analyze();
		assertThat(analysis.getDescription()).isEqualTo("Invalid value '100' for property "
				+ "'cluster.recycle.max-requests-jitter': it has no effect without cluster.recycle.max-requests.");
		assertThat(analysis.getAction()).startsWith("Set 'cluster.recycle.max-requests-jitter' to 0, or also set "
				+ "'cluster.recycle.max-requests'");
	}

	@Test
	void zeroMemoryLimitIsReported() {
		this.properties.getRecycle().setMaxRss(DataSize.ofBytes(0));
		assertThat(analyze().getDescription())
			.isEqualTo("Invalid value '0B' for property 'cluster.recycle.max-rss': it must be positive.");
	}

	@Test
	void recyclingWithoutStatsIsReported() {
		this.properties.getRecycle().setMaxHeapAfterGc(DataSize.ofMegabytes(512));
		this.properties.getStats().setEnabled(false);
		FailureAnalysis analysis = analyze();
		assertThat(analysis.getDescription()).isEqualTo("Invalid value 'false' for property 'cluster.stats.enabled': "
				+ "it turns off the reports that cluster.recycle.* relies on.");
		assertThat(analysis.getAction()).startsWith(
				"Set 'cluster.stats.enabled' to true (the default), or remove the cluster.recycle.* properties");
	}

	@Test
	void warmupRequestsWithPathsAreValid() {
		this.properties.getWarmup().getRequests().add(warmupRequest("POST", "/orders?dry-run=true"));
		this.properties.getWarmup().getRequests().get(0).getHeaders().put("Content-Type", "application/json");
		this.properties.getWarmup().setDuration(Duration.ofSeconds(20));
		assertThatNoException().isThrownBy(this.properties::validate);
	}

	@Test
	void warmupPathWithoutLeadingSlashIsReported() {
		this.properties.getWarmup().getRequests().add(warmupRequest("GET", "http://localhost:8080/"));
		FailureAnalysis analysis = analyze();
		assertThat(analysis.getDescription()).isEqualTo("Invalid value 'http://localhost:8080/' for property "
				+ "'cluster.warmup.requests[0].path': it is not a path on the application's server.");
		assertThat(analysis.getAction()).startsWith("Set 'cluster.warmup.requests[0].path' to a path starting with '/'");
	}

	@Test
	void warmupMethodInLowerCaseIsReported() {
		this.properties.getWarmup().getRequests().add(warmupRequest("get", "/"));
		assertThat(analyze().getDescription())
			.isEqualTo("Invalid value 'get' for property 'cluster.warmup.requests[0].method': it is not an HTTP method.");
	}

	@Test
	void warmupHeaderWithALineBreakIsReported() {
		this.properties.getWarmup().getRequests().add(warmupRequest("GET", "/"));
		this.properties.getWarmup().getRequests().get(0).getHeaders().put("X-Token", "a\r\nInjected: yes");
		assertThat(analyze().getDescription()).isEqualTo(
				"Invalid value 'X-Token' for property 'cluster.warmup.requests[0].headers': it is not a valid header.");
	}

	@Test
	void warmupHeaderThatTheHttpClientSetsItselfIsReported() {
		this.properties.getWarmup().getRequests().add(warmupRequest("GET", "/"));
		this.properties.getWarmup().getRequests().get(0).getHeaders().put("Host", "shop.example.com");
		FailureAnalysis analysis = analyze();
		assertThat(analysis.getDescription()).isEqualTo("Invalid value 'Host' for property "
				+ "'cluster.warmup.requests[0].headers': it is a header the warm-up's HTTP client sets itself (the "
				+ "JDK's client refuses it).");
		assertThat(analysis.getAction()).contains("leave it out");
	}

	@Test
	void warmupPathThatIsNoUriIsReported() {
		this.properties.getWarmup().getRequests().add(warmupRequest("GET", "/search?q=a|b"));
		FailureAnalysis analysis = analyze();
		assertThat(analysis.getDescription())
			.startsWith("Invalid value '/search?q=a|b' for property 'cluster.warmup.requests[0].path': it is not a "
					+ "valid URI path (Illegal character in query");
		assertThat(analysis.getAction()).contains("/search?q=a%7Cb");
	}

	@Test
	void warmupDurationLongerThanItsTimeoutIsReported() {
		this.properties.getWarmup().setDuration(Duration.ofMinutes(2));
		assertThat(analyze().getDescription()).isEqualTo("Invalid value 'PT2M' for property 'cluster.warmup.duration': "
				+ "it is longer than cluster.warmup.timeout (PT1M).");
	}

	@Test
	void warmupWithoutIterationsIsReported() {
		this.properties.getWarmup().setIterations(0);
		assertThat(analyze().getDescription())
			.isEqualTo("Invalid value '0' for property 'cluster.warmup.iterations': it must be at least 1.");
	}

	private static ClusterProperties.WarmupRequest warmupRequest(String method, String path) {
		ClusterProperties.WarmupRequest request = new ClusterProperties.WarmupRequest();
		request.setMethod(method);
		request.setPath(path);
		return request;
	}

	private FailureAnalysis analyze() {
		ClusterConfigurationException exception = org.assertj.core.api.Assertions
			.catchThrowableOfType(ClusterConfigurationException.class, this.properties::validate);
		assertThat(exception).isNotNull();
		FailureAnalysis analysis = new ClusterConfigurationFailureAnalyzer().analyze(exception);
		assertThat(analysis.getCause()).isSameAs(exception);
		return analysis;
	}

}
