package io.clusterstarter.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.clusterstarter.ClusterSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration properties for running the application as a cluster.
 *
 * @author cluster-spring-boot-starter
 */
@ConfigurationProperties("cluster")
public class ClusterProperties {

	/** Headers the JDK's HTTP client, which sends the warm-up, sets itself and refuses. */
	private static final Set<String> WARMUP_CLIENT_HEADERS = Set.of("connection", "content-length", "expect", "host",
			"upgrade");

	/**
	 * Value of "workers" that forks one worker per available processor.
	 */
	public static final String AUTO = "auto";

	/**
	 * Whether to run the application as a primary that forks worker JVMs. When false, the
	 * application runs plainly, in one JVM.
	 */
	private boolean enabled = true;

	/**
	 * Number of worker JVMs: a positive number, or 'auto' for one per processor available to
	 * the JVM (container-aware).
	 */
	private String workers = AUTO;

	/**
	 * JVM options added to each worker's command line, after the options the primary was
	 * started with.
	 */
	private List<String> execArgv = new ArrayList<>();

	/**
	 * Program arguments added to each worker's command line, after the arguments the primary
	 * was started with.
	 */
	private List<String> args = new ArrayList<>();

	/**
	 * Environment variables set for each worker, over the primary's environment.
	 */
	private Map<String, String> env = new LinkedHashMap<>();

	/**
	 * Whether worker output is discarded instead of relayed, line by line and labelled with
	 * the worker, to the primary's standard output and error.
	 */
	private boolean silent;

	/**
	 * Whether each worker JVM is told it has an even share of the processors
	 * (-XX:ActiveProcessorCount), so that thread pools and garbage collection are sized for the
	 * processors it really gets. A processor count set in an options variable (JAVA_TOOL_OPTIONS,
	 * as buildpacks do) is replaced by the worker's share too; one set on the command line or in
	 * 'cluster.exec-argv' is kept.
	 */
	private boolean shareProcessors = true;

	/**
	 * Whether each worker JVM gets its share of the memory (the container's limit in a
	 * container): all heaps together at most half of it. A worker whose options set no heap size
	 * gets -XX:MaxRAMPercentage of 50 divided by the number of workers, at most the JVM's own 25;
	 * a heap size set in an options variable (JAVA_TOOL_OPTIONS, as buildpacks do, sized for one
	 * JVM) is lowered to that share; one set on the command line or in 'cluster.exec-argv' is
	 * kept, with a warning when the workers cannot fit the memory.
	 */
	private boolean shareMemory = true;

	/**
	 * How worker JVMs are placed on processors. 'spread' pins each worker to its own share of the
	 * processors the primary may use (Linux, with taskset), which suits a host dedicated to the
	 * cluster.
	 */
	private CpuAffinity cpuAffinity = CpuAffinity.NONE;

	/**
	 * How connections on server.port reach the workers. 'shared-queue': the primary listens once
	 * and every ready worker accepts from that one queue, so a frozen, busy or leaving worker
	 * takes nothing (Linux, Java 22 or later). 'reuse-port': each worker listens with
	 * SO_REUSEPORT and the kernel hashes connections between them. 'auto' takes the shared queue
	 * wherever it is available.
	 */
	private Balancing balancing = Balancing.AUTO;

	/**
	 * Time the primary gives workers to finish in-flight requests on shutdown before it kills
	 * them.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(30);

	/**
	 * Time a worker gets from fork until it listens (or, without a web server, until it is
	 * ready). A worker that takes longer has a thread dump written to its output, is killed and
	 * replaced.
	 */
	private Duration startupTimeout = Duration.ofMinutes(2);

	/**
	 * Most workers starting at the same time (forked, not yet listening), at start-up, when
	 * scaling up and when replacing crashed workers; the others wait their turn, and their
	 * start-up timeout starts when they are forked. Defaults to the number of processors
	 * available to the JVM.
	 */
	private Integer startupConcurrency;

	private final Heartbeat heartbeat = new Heartbeat();

	private final Restart restart = new Restart();

	private final Ipc ipc = new Ipc();

	private final Stats stats = new Stats();

	private final Metrics metrics = new Metrics();

	private final RollingRestart rollingRestart = new RollingRestart();

	private final Recycle recycle = new Recycle();

	private final Image image = new Image();

	private final Deploy deploy = new Deploy();

	private final Upgrade upgrade = new Upgrade();

	private final Readiness readiness = new Readiness();

	private final Warmup warmup = new Warmup();

	private final Control control = new Control();

	private final CompatibilityVerifier compatibilityVerifier = new CompatibilityVerifier();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getWorkers() {
		return this.workers;
	}

	public void setWorkers(String workers) {
		this.workers = workers;
	}

	public List<String> getExecArgv() {
		return this.execArgv;
	}

	public void setExecArgv(List<String> execArgv) {
		this.execArgv = execArgv;
	}

	public List<String> getArgs() {
		return this.args;
	}

	public void setArgs(List<String> args) {
		this.args = args;
	}

	public Map<String, String> getEnv() {
		return this.env;
	}

	public void setEnv(Map<String, String> env) {
		this.env = env;
	}

	public boolean isSilent() {
		return this.silent;
	}

	public void setSilent(boolean silent) {
		this.silent = silent;
	}

	public boolean isShareProcessors() {
		return this.shareProcessors;
	}

	public void setShareProcessors(boolean shareProcessors) {
		this.shareProcessors = shareProcessors;
	}

	public CpuAffinity getCpuAffinity() {
		return this.cpuAffinity;
	}

	public void setCpuAffinity(CpuAffinity cpuAffinity) {
		this.cpuAffinity = cpuAffinity;
	}

	public Balancing getBalancing() {
		return this.balancing;
	}

	public void setBalancing(Balancing balancing) {
		this.balancing = balancing;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public Duration getStartupTimeout() {
		return this.startupTimeout;
	}

	public void setStartupTimeout(Duration startupTimeout) {
		this.startupTimeout = startupTimeout;
	}

	public Integer getStartupConcurrency() {
		return this.startupConcurrency;
	}

	public void setStartupConcurrency(Integer startupConcurrency) {
		this.startupConcurrency = startupConcurrency;
	}

	/**
	 * Return how many workers may start at the same time.
	 * @param availableProcessors the processors available to the JVM
	 * @return {@code startup-concurrency}, or the processor count when it is not set
	 */
	public int resolveStartupConcurrency(int availableProcessors) {
		return (this.startupConcurrency != null) ? this.startupConcurrency : Math.max(1, availableProcessors);
	}

	public Heartbeat getHeartbeat() {
		return this.heartbeat;
	}

	public Restart getRestart() {
		return this.restart;
	}

	public Ipc getIpc() {
		return this.ipc;
	}

	public Stats getStats() {
		return this.stats;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public RollingRestart getRollingRestart() {
		return this.rollingRestart;
	}

	public Image getImage() {
		return this.image;
	}

	public boolean isShareMemory() {
		return this.shareMemory;
	}

	public void setShareMemory(boolean shareMemory) {
		this.shareMemory = shareMemory;
	}

	public Recycle getRecycle() {
		return this.recycle;
	}

	public Deploy getDeploy() {
		return this.deploy;
	}

	public Upgrade getUpgrade() {
		return this.upgrade;
	}

	public Control getControl() {
		return this.control;
	}

	public Readiness getReadiness() {
		return this.readiness;
	}

	public CompatibilityVerifier getCompatibilityVerifier() {
		return this.compatibilityVerifier;
	}

	public Warmup getWarmup() {
		return this.warmup;
	}

	/**
	 * Return the number of workers to fork.
	 * @param availableProcessors the processors available to this JVM
	 * @return the number of workers, at least 1
	 * @throws ClusterConfigurationException if {@code workers} is not valid
	 */
	public int resolveWorkers(int availableProcessors) {
		String value = (this.workers != null) ? this.workers.trim() : "";
		if (AUTO.equals(value.toLowerCase(Locale.ROOT))) {
			return Math.max(1, availableProcessors);
		}
		int count;
		try {
			count = Integer.parseInt(value);
		}
		catch (NumberFormatException ex) {
			throw invalid("cluster.workers", this.workers, "is neither a number nor 'auto'",
					"a positive number of workers, or 'auto' for one per available processor");
		}
		if (count < 1) {
			throw invalid("cluster.workers", this.workers, "must be at least 1",
					"a positive number of workers, or 'auto' for one per available processor");
		}
		return count;
	}

	/**
	 * Check every value, so that a mistake stops the primary before it forks anything.
	 * @throws ClusterConfigurationException on the first invalid value
	 */
	public void validate() {
		resolveWorkers(1);
		requireNonNegative("cluster.shutdown-timeout", this.shutdownTimeout);
		requireNonNegative("cluster.restart.initial-backoff", this.restart.initialBackoff);
		requireNonNegative("cluster.restart.max-backoff", this.restart.maxBackoff);
		if (this.restart.initialBackoff != null && this.restart.maxBackoff != null
				&& this.restart.maxBackoff.compareTo(this.restart.initialBackoff) < 0) {
			throw invalid("cluster.restart.max-backoff", this.restart.maxBackoff,
					"is shorter than cluster.restart.initial-backoff (" + this.restart.initialBackoff + ")",
					"a duration at least as long as cluster.restart.initial-backoff");
		}
		if (this.control.logLines < 1 || this.control.logLines > 100_000) {
			throw invalid("cluster.control.log-lines", this.control.logLines, "must be between 1 and 100000",
					"the number of console lines kept per worker, such as 1000");
		}
		if (this.control.name != null && !this.control.name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
			throw invalid("cluster.control.name", this.control.name,
					"must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
					"a name such as 'shop-8080'");
		}
		if (this.restart.multiplier < 1) {
			throw invalid("cluster.restart.multiplier", this.restart.multiplier, "must be at least 1",
					"a multiplier of 1 (constant backoff) or more");
		}
		DataSize size = this.ipc.maxMessageSize;
		if (size == null || size.toBytes() < 1024 || size.toBytes() > Integer.MAX_VALUE - 1) {
			throw invalid("cluster.ipc.max-message-size", size, "must be between 1KB and 2GB",
					"a size such as 1MB");
		}
		Duration interval = this.stats.interval;
		if (interval == null || interval.compareTo(Stats.MIN_INTERVAL) < 0 || interval.compareTo(Stats.MAX_INTERVAL) > 0) {
			throw invalid("cluster.stats.interval", interval, "must be between 100ms and 10m",
					"a duration such as 5s, or set 'cluster.stats.enabled=false' to turn reports off");
		}
		Duration history = this.stats.history;
		if (history == null || (!history.isZero()
				&& (history.compareTo(Stats.MIN_HISTORY) < 0 || history.compareTo(Stats.MAX_HISTORY) > 0))) {
			throw invalid("cluster.stats.history", history, "must be between 1m and 24h, or 0",
					"a duration such as 1h, or 0 to keep no history for the dashboard's charts");
		}
		requirePositive("cluster.ipc.request-timeout", this.ipc.requestTimeout);
		requirePositive("cluster.startup-timeout", this.startupTimeout);
		if (this.startupConcurrency != null && this.startupConcurrency < 1) {
			throw invalid("cluster.startup-concurrency", this.startupConcurrency, "must be at least 1",
					"the number of workers that may start at the same time, or leave it unset for one per processor");
		}
		requireNonNegative("cluster.restart.stable-period", this.restart.stablePeriod);
		requirePositive("cluster.restart.failure-window", this.restart.failureWindow);
		if (this.restart.maxFailures < 0) {
			throw invalid("cluster.restart.max-failures", this.restart.maxFailures, "must not be negative",
					"a number of failures, or 0 to restart a failing slot forever");
		}
		requirePositive("cluster.readiness.check-interval", this.readiness.checkInterval);
		requirePositive("cluster.heartbeat.interval", this.heartbeat.interval);
		requirePositive("cluster.heartbeat.timeout", this.heartbeat.timeout);
		if (this.heartbeat.timeout.compareTo(this.heartbeat.interval.multipliedBy(2)) < 0) {
			throw invalid("cluster.heartbeat.timeout", this.heartbeat.timeout,
					"is shorter than twice cluster.heartbeat.interval (" + this.heartbeat.interval + ")",
					"a duration of at least twice the interval, so that one late heartbeat does not kill a worker");
		}
		requirePositive("cluster.metrics.scrape-timeout", this.metrics.scrapeTimeout);
		if (this.metrics.scrapeTimeout.compareTo(this.ipc.requestTimeout) >= 0) {
			throw invalid("cluster.metrics.scrape-timeout", this.metrics.scrapeTimeout,
					"is not shorter than cluster.ipc.request-timeout (" + this.ipc.requestTimeout + ")",
					"a duration shorter than cluster.ipc.request-timeout, so that a slow worker is left out "
							+ "of a scrape rather than failing it");
		}
		if (this.rollingRestart.parallelism < 1) {
			throw invalid("cluster.rolling-restart.parallelism", this.rollingRestart.parallelism, "must be at least 1",
					"the number of workers replaced at the same time, such as 1");
		}
		validateRecycle();
		validateWarmup();
		requirePositive("cluster.image.training-timeout", this.image.trainingTimeout);
		for (String argument : this.image.trainingArgs) {
			if (argument == null || argument.isBlank()) {
				throw invalid("cluster.image.training-args", argument, "holds an empty argument",
						"program arguments such as --spring.profiles.active=training");
			}
		}
		for (String key : this.env.keySet()) {
			if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
				throw invalid("cluster.env", key, "is not a valid environment variable name",
						"names without '=' or NUL characters");
			}
		}
	}

	private void validateRecycle() {
		if (this.recycle.maxRequests < 0) {
			throw invalid("cluster.recycle.max-requests", this.recycle.maxRequests, "must not be negative",
					"a number of requests, or 0 not to recycle workers by requests served");
		}
		if (this.recycle.maxRequestsJitter < 0) {
			throw invalid("cluster.recycle.max-requests-jitter", this.recycle.maxRequestsJitter, "must not be negative",
					"a number of requests, or 0 for no jitter");
		}
		if (this.recycle.maxRequestsJitter > 0 && this.recycle.maxRequests == 0) {
			throw invalid("cluster.recycle.max-requests-jitter", this.recycle.maxRequestsJitter,
					"has no effect without cluster.recycle.max-requests",
					"0, or also set 'cluster.recycle.max-requests'");
		}
		requirePositive("cluster.recycle.max-heap-after-gc", this.recycle.maxHeapAfterGc);
		requirePositive("cluster.recycle.max-rss", this.recycle.maxRss);
		if (this.recycle.hasLimit() && !this.stats.enabled) {
			throw invalid("cluster.stats.enabled", false, "turns off the reports that cluster.recycle.* relies on",
					"true (the default), or remove the cluster.recycle.* properties");
		}
	}

	private void validateWarmup() {
		requirePositive("cluster.warmup.timeout", this.warmup.timeout);
		requirePositive("cluster.warmup.request-timeout", this.warmup.requestTimeout);
		if (this.warmup.iterations < 1) {
			throw invalid("cluster.warmup.iterations", this.warmup.iterations, "must be at least 1",
					"the number of times the warm-up requests are sent, such as 1000");
		}
		if (this.warmup.concurrency < 1 || this.warmup.concurrency > 64) {
			throw invalid("cluster.warmup.concurrency", this.warmup.concurrency, "must be between 1 and 64",
					"the number of warm-up requests in flight at once, such as 2");
		}
		if (this.warmup.duration != null) {
			requirePositive("cluster.warmup.duration", this.warmup.duration);
			if (this.warmup.duration.compareTo(this.warmup.timeout) > 0) {
				throw invalid("cluster.warmup.duration", this.warmup.duration,
						"is longer than cluster.warmup.timeout (" + this.warmup.timeout + ")",
						"a duration no longer than cluster.warmup.timeout");
			}
		}
		for (int i = 0; i < this.warmup.requests.size(); i++) {
			WarmupRequest request = this.warmup.requests.get(i);
			String name = "cluster.warmup.requests[" + i + "]";
			if (request.path == null || !request.path.startsWith("/") || request.path.startsWith("//")
					|| request.path.chars().anyMatch((c) -> c <= ' ' || c == 127)) {
				throw invalid(name + ".path", request.path, "is not a path on the application's server",
						"a path starting with '/', with its query if any, such as /products?page=1");
			}
			try {
				URI.create("http://127.0.0.1:1" + request.path);
			}
			catch (IllegalArgumentException ex) {
				throw invalid(name + ".path", request.path, "is not a valid URI path (" + ex.getMessage() + ")",
						"a path whose characters outside a URI's are percent-encoded, such as /search?q=a%7Cb");
			}
			if (request.method == null || !request.method.matches("[A-Z]{1,16}")) {
				throw invalid(name + ".method", request.method, "is not an HTTP method",
						"a method in capitals, such as GET or POST");
			}
			for (Map.Entry<String, String> header : request.headers.entrySet()) {
				if (!header.getKey().matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+") || header.getValue() == null
						|| header.getValue().chars().anyMatch((c) -> c == '\r' || c == '\n')) {
					throw invalid(name + ".headers", header.getKey(), "is not a valid header",
							"header names as tokens (such as Authorization) with single-line values");
				}
				if (WARMUP_CLIENT_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
					throw invalid(name + ".headers", header.getKey(),
							"is a header the warm-up's HTTP client sets itself (the JDK's client refuses it)",
							"leave it out: the warm-up requests 127.0.0.1 on its own port, Content-Length follows "
									+ "the body, and each connection is kept alive");
				}
			}
		}
	}

	private static void requirePositive(String name, DataSize value) {
		if (value != null && value.toBytes() <= 0) {
			throw invalid(name, value, "must be positive", "a size such as 512MB, or leave it unset");
		}
	}

	private static void requirePositive(String name, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw invalid(name, value, "must be positive", "a duration such as 5s");
		}
	}

	private static void requireNonNegative(String name, Duration value) {
		if (value == null || value.isNegative()) {
			throw invalid(name, value, "must not be negative", "a duration of zero or more, such as 30s");
		}
	}

	private static ClusterConfigurationException invalid(String name, Object value, String problem, String expected) {
		return new ClusterConfigurationException(
				"Invalid value '" + value + "' for property '" + name + "': it " + problem + ".",
				"Set '" + name + "' to " + expected
						+ ", or set 'cluster.enabled=false' to run the application without clustering.");
	}

	/**
	 * Return the settings the first forks use.
	 * @return the settings
	 */
	public ClusterSettings toSettings() {
		return ClusterSettings.builder()
			.execArgv(this.execArgv)
			.args(this.args)
			.env(this.env)
			.silent(this.silent)
			.build();
	}

	/**
	 * How worker JVMs are placed on processors.
	 */
	public enum CpuAffinity {

		/**
		 * Leave placement to the operating system.
		 */
		NONE,

		/**
		 * Pin each worker to its own share of the processors the primary may use.
		 */
		SPREAD

	}

	/**
	 * How connections reach the workers.
	 */
	public enum Balancing {

		/**
		 * The shared queue wherever it is available, otherwise reuse-port.
		 */
		AUTO,

		/**
		 * The primary listens once; every ready worker accepts from that one queue.
		 */
		SHARED_QUEUE,

		/**
		 * Each worker listens with SO_REUSEPORT; the kernel hashes connections between them.
		 */
		REUSE_PORT

	}

	/**
	 * When workers that exit are replaced.
	 */
	public enum RestartPolicy {

		/**
		 * Replace every worker that exits without having been disconnected.
		 */
		ALWAYS,

		/**
		 * Replace a worker that exits without having been disconnected, unless it exited with
		 * code 0.
		 */
		ON_FAILURE,

		/**
		 * Never replace a worker.
		 */
		NEVER

	}

	/**
	 * Replacement of workers that exit unexpectedly.
	 */
	public static class Restart {

		/**
		 * Which exited workers are replaced.
		 */
		private RestartPolicy policy = RestartPolicy.ALWAYS;

		/**
		 * Delay before the first replacement of a worker in a slot. The delay grows for each
		 * replacement in that slot that fails before it is ready.
		 */
		private Duration initialBackoff = Duration.ofMillis(100);

		/**
		 * Longest delay between replacements of a worker in a slot.
		 */
		private Duration maxBackoff = Duration.ofSeconds(30);

		/**
		 * Factor the delay grows by after each replacement that fails before it is ready.
		 */
		private double multiplier = 2.0;

		/**
		 * How long a worker must keep running once ready before its slot counts as stable:
		 * the backoff starts again from initial-backoff.
		 */
		private Duration stablePeriod = Duration.ofSeconds(30);

		/**
		 * Unexpected exits in one slot, within failure-window, after which the slot is marked
		 * failed and not restarted again. 0 never gives up.
		 */
		private int maxFailures = 5;

		/**
		 * The window in which max-failures are counted.
		 */
		private Duration failureWindow = Duration.ofMinutes(5);

		public RestartPolicy getPolicy() {
			return this.policy;
		}

		public void setPolicy(RestartPolicy policy) {
			this.policy = policy;
		}

		public Duration getInitialBackoff() {
			return this.initialBackoff;
		}

		public void setInitialBackoff(Duration initialBackoff) {
			this.initialBackoff = initialBackoff;
		}

		public Duration getMaxBackoff() {
			return this.maxBackoff;
		}

		public void setMaxBackoff(Duration maxBackoff) {
			this.maxBackoff = maxBackoff;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getStablePeriod() {
			return this.stablePeriod;
		}

		public void setStablePeriod(Duration stablePeriod) {
			this.stablePeriod = stablePeriod;
		}

		public int getMaxFailures() {
			return this.maxFailures;
		}

		public void setMaxFailures(int maxFailures) {
			this.maxFailures = maxFailures;
		}

		public Duration getFailureWindow() {
			return this.failureWindow;
		}

		public void setFailureWindow(Duration failureWindow) {
			this.failureWindow = failureWindow;
		}

	}

	/**
	 * The channel between the primary and each worker.
	 */
	public static class Ipc {

		/**
		 * Largest message, once written as JSON, either side accepts. Larger messages are
		 * refused when sent and dropped when received.
		 */
		private DataSize maxMessageSize = DataSize.ofMegabytes(1);

		/**
		 * How long a worker waits for the primary's answer when it serves the cluster
		 * endpoint, health, info or a cluster-wide scrape. Past it, the worker answers without
		 * the primary (503 for the endpoint, DOWN for health).
		 */
		private Duration requestTimeout = Duration.ofSeconds(5);

		public DataSize getMaxMessageSize() {
			return this.maxMessageSize;
		}

		public void setMaxMessageSize(DataSize maxMessageSize) {
			this.maxMessageSize = maxMessageSize;
		}

		public Duration getRequestTimeout() {
			return this.requestTimeout;
		}

		public void setRequestTimeout(Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
		}

	}

	/**
	 * The figures each worker reports to the primary (heap, CPU, threads, GC, requests).
	 */
	public static class Stats {

		static final Duration MIN_INTERVAL = Duration.ofMillis(100);

		static final Duration MAX_INTERVAL = Duration.ofMinutes(10);

		static final Duration MIN_HISTORY = Duration.ofMinutes(1);

		static final Duration MAX_HISTORY = Duration.ofHours(24);

		/**
		 * Whether workers report their figures and count their HTTP requests.
		 */
		private boolean enabled = true;

		/**
		 * How often each worker reports, between 100ms and 10m. A report older than twice this
		 * plus a second is shown as stale.
		 */
		private Duration interval = Duration.ofSeconds(5);

		/**
		 * How far back the primary keeps the workers' memory and requests per second for the
		 * dashboard's charts, between 1m and 24h, or 0 to keep none. It keeps 360 points over
		 * this span (one every 10s for an hour), never more often than the workers report.
		 */
		private Duration history = Duration.ofHours(1);

		public boolean isEnabled() {
			return this.enabled;
		}

		public Duration getHistory() {
			return this.history;
		}

		public void setHistory(Duration history) {
			this.history = history;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

	}

	/**
	 * Heartbeats from each worker, by which the primary detects a hung worker.
	 */
	public static class Heartbeat {

		/**
		 * How often each worker sends a heartbeat, from a thread of its own.
		 */
		private Duration interval = Duration.ofSeconds(5);

		/**
		 * Silence after which a worker counts as hung: a thread dump is written to its output,
		 * it is killed and replaced. At least twice the interval.
		 */
		private Duration timeout = Duration.ofSeconds(30);

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * Cluster-wide metrics.
	 */
	public static class Metrics {

		/**
		 * How long the primary waits for each worker's meters in a cluster-wide Prometheus
		 * scrape. A worker that takes longer is left out of that scrape and counted in
		 * cluster_scrape_workers_missed_total. Must be shorter than cluster.ipc.request-timeout.
		 */
		private Duration scrapeTimeout = Duration.ofSeconds(3);

		public Duration getScrapeTimeout() {
			return this.scrapeTimeout;
		}

		public void setScrapeTimeout(Duration scrapeTimeout) {
			this.scrapeTimeout = scrapeTimeout;
		}

	}

	/**
	 * Rolling restarts: {@code Cluster.rollingRestart()}, SIGHUP to the primary, or the cluster
	 * endpoint.
	 */
	public static class RollingRestart {

		/**
		 * How many workers are replaced at the same time. Each replacement is forked, and its
		 * worker retired only once the replacement serves, so the number of serving workers
		 * never drops; a higher value finishes sooner but runs that many extra JVMs meanwhile.
		 */
		private int parallelism = 1;

		public int getParallelism() {
			return this.parallelism;
		}

		public void setParallelism(int parallelism) {
			this.parallelism = parallelism;
		}

	}

	/**
	 * Recycling: the primary replaces a worker that has served too many requests or holds too
	 * much memory, as it does in a rolling restart (the replacement first), one worker at a
	 * time. Checked at each of the worker's reports, so it needs cluster.stats.enabled.
	 */
	public static class Recycle {

		/**
		 * Requests a worker serves before it is recycled. 0 never recycles by requests.
		 */
		private long maxRequests;

		/**
		 * Upper bound of a random number of requests added to max-requests for each worker, so
		 * that workers started together are not all recycled together.
		 */
		private long maxRequestsJitter;

		/**
		 * Heap in use right after the worker's latest garbage collection above which it is
		 * recycled, such as 512MB. Unset never recycles by heap.
		 */
		private DataSize maxHeapAfterGc;

		/**
		 * Resident memory of the worker process (Linux) above which it is recycled, such as
		 * 1GB. Unset never recycles by resident memory.
		 */
		private DataSize maxRss;

		/**
		 * Return whether any limit is set.
		 * @return whether workers are recycled
		 */
		public boolean hasLimit() {
			return this.maxRequests > 0 || this.maxHeapAfterGc != null || this.maxRss != null;
		}

		public long getMaxRequests() {
			return this.maxRequests;
		}

		public void setMaxRequests(long maxRequests) {
			this.maxRequests = maxRequests;
		}

		public long getMaxRequestsJitter() {
			return this.maxRequestsJitter;
		}

		public void setMaxRequestsJitter(long maxRequestsJitter) {
			this.maxRequestsJitter = maxRequestsJitter;
		}

		public DataSize getMaxHeapAfterGc() {
			return this.maxHeapAfterGc;
		}

		public void setMaxHeapAfterGc(DataSize maxHeapAfterGc) {
			this.maxHeapAfterGc = maxHeapAfterGc;
		}

		public DataSize getMaxRss() {
			return this.maxRss;
		}

		public void setMaxRss(DataSize maxRss) {
			this.maxRss = maxRss;
		}

	}

	/**
	 * The worker image: the primary extracts an executable jar once (Spring Boot's
	 * {@code -Djarmode=tools extract} layout) and prepares a class-data cache for it with a
	 * training run (CDS on Java 17 to 24, the AOT cache on Java 25 and later), in the background
	 * after the cluster is up; every worker forked after that starts from the image.
	 */
	public static class Image {

		/**
		 * Whether workers start from a prepared image once it is ready.
		 */
		private boolean enabled = true;

		/**
		 * Where images are kept, one directory per application and image, created readable by
		 * the current user only. Defaults to 'cluster-spring-boot/images' in the user's cache
		 * directory ($XDG_CACHE_HOME, else ~/.cache), or in the temporary directory when there is
		 * no writable home.
		 */
		private Path directory;

		/**
		 * Time the training run may take (one start of the application up to the refresh of
		 * its context, with the class-data dump). A run that takes longer is killed, and the
		 * cluster goes on without the image.
		 */
		private Duration trainingTimeout = Duration.ofMinutes(5);

		/**
		 * Program arguments for the training run, after the workers' own, such as
		 * --spring.profiles.active=training to switch off start-up side effects (migrations,
		 * outgoing connections) that every bean's creation would otherwise cause once more.
		 */
		private List<String> trainingArgs = new ArrayList<>();

		/**
		 * Whether the training run starts the application fully, on a private loopback port,
		 * and sends it cluster.warmup's requests before it exits, so that the image holds the
		 * classes those requests load and, on Java 25 and later, their method profiles: every
		 * worker then starts with them. The application runs as in production meanwhile (its
		 * runners, scheduled tasks and message listeners too): turn it on only where that is
		 * harmless, for example with a training profile in 'training-args'.
		 */
		private boolean trainingWarmup;

		public boolean isEnabled() {
			return this.enabled;
		}

		public boolean isTrainingWarmup() {
			return this.trainingWarmup;
		}

		public void setTrainingWarmup(boolean trainingWarmup) {
			this.trainingWarmup = trainingWarmup;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(Path directory) {
			this.directory = directory;
		}

		public Duration getTrainingTimeout() {
			return this.trainingTimeout;
		}

		public void setTrainingTimeout(Duration trainingTimeout) {
			this.trainingTimeout = trainingTimeout;
		}

		public List<String> getTrainingArgs() {
			return this.trainingArgs;
		}

		public void setTrainingArgs(List<String> trainingArgs) {
			this.trainingArgs = trainingArgs;
		}

	}

	/**
	 * Upgrades of the primary itself ('upgrade' on the command line, Cluster.upgrade).
	 */
	public static class Upgrade {

		/**
		 * What the old primary does once the new one has taken over and its workers have
		 * exited: 'exit', as nginx's old master does; 'wait' for the new primary and exit with
		 * its status, passing signals on to it, so that a service manager that watches the old
		 * primary's pid (systemd's main process, a container's PID 1 or its init) keeps the
		 * service up; or 'auto': wait when this process is PID 1, a child of PID 1, or started
		 * by systemd (INVOCATION_ID is set), else exit. Only the first primary waits: one
		 * retired by a later upgrade while it waits exits, and the first waits for the newest.
		 */
		private OldPrimary oldPrimary = OldPrimary.AUTO;

		public OldPrimary getOldPrimary() {
			return this.oldPrimary;
		}

		public void setOldPrimary(OldPrimary oldPrimary) {
			this.oldPrimary = oldPrimary;
		}

		/**
		 * What the old primary does once the new one has taken over.
		 */
		public enum OldPrimary {

			/**
			 * Wait when a service manager watches this process, else exit.
			 */
			AUTO,

			/**
			 * Exit once its workers have.
			 */
			EXIT,

			/**
			 * Wait for the new primary and exit with its status.
			 */
			WAIT

		}

	}

	/**
	 * Deploys: a new release of the application rolled onto every worker, verified, and rolled
	 * back when a new worker fails.
	 */
	public static class Deploy {

		/**
		 * The artifact SIGHUP deploys, re-read (and re-resolved, if it is a symlink such as
		 * 'releases/current/app.jar') at each SIGHUP: a different content is deployed, the same
		 * content gets a rolling restart. Defaults to the jar the primary was launched with, as
		 * it was named.
		 */
		private Path artifact;

		/**
		 * The directory that artifacts deployed through the cluster endpoint must be in (after
		 * resolving symlinks); the endpoint's deploy action is refused while it is not set.
		 */
		private Path directory;

		/**
		 * Whether a deployed release must start the same main class (Start-Class) as the one
		 * running, so that a jar of another application is refused.
		 */
		private boolean requireSameStartClass = true;

		/**
		 * Whether a deploy prepares its release's worker image before it replaces the first
		 * worker, so that every new worker starts from the image. By default a deploy replaces
		 * workers at once, from the jar, while the image is prepared in the background at the
		 * lowest CPU priority; workers forked once it is ready start from it. Waiting pays off
		 * only for many workers replaced one at a time whose start the image shortens a lot.
		 */
		private boolean awaitImage;

		public Path getArtifact() {
			return this.artifact;
		}

		public void setArtifact(Path artifact) {
			this.artifact = artifact;
		}

		public Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(Path directory) {
			this.directory = directory;
		}

		public boolean isRequireSameStartClass() {
			return this.requireSameStartClass;
		}

		public void setRequireSameStartClass(boolean requireSameStartClass) {
			this.requireSameStartClass = requireSameStartClass;
		}

		public boolean isAwaitImage() {
			return this.awaitImage;
		}

		public void setAwaitImage(boolean awaitImage) {
			this.awaitImage = awaitImage;
		}

	}

	/**
	 * The primary's control socket, through which the command line
	 * ({@code java -Djarmode=cluster -jar app.jar status}) operates the cluster: a Unix-domain
	 * socket in a directory only the primary's user may enter, that only this user may use.
	 */
	public static class Control {

		/**
		 * Whether the primary opens its control socket.
		 */
		private boolean enabled = true;

		/**
		 * The directory of the control socket, its description and the primary's pid file,
		 * created with mode 0700. Defaults to $CLUSTER_CONTROL_DIRECTORY, else
		 * 'cluster-spring-boot-{user}/control' in the temporary directory. The command line looks
		 * in the same place, or where --dir or $CLUSTER_CONTROL_DIRECTORY says.
		 */
		private Path directory;

		/**
		 * The name of this cluster in the control directory (its socket is '{name}.sock').
		 * Defaults to 'spring.application.name' (else 'application') and the port, such as
		 * 'shop-8080'.
		 */
		private String name;

		/**
		 * The lines of console output kept for each worker, for the command line's 'logs'. The
		 * lines of the last 8 workers that exited are kept too.
		 */
		private int logLines = 1000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Path getDirectory() {
			return this.directory;
		}

		public void setDirectory(Path directory) {
			this.directory = directory;
		}

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public int getLogLines() {
			return this.logLines;
		}

		public void setLogLines(int logLines) {
			this.logLines = logLines;
		}

	}

	/**
	 * When a worker counts as ready: after its application is ready, its readiness health
	 * group (or, without Actuator's health, its readiness state) must say it accepts traffic.
	 * A worker that never does is killed after 'cluster.startup-timeout'; during a deploy, that
	 * rolls the deploy back.
	 */
	public static class Readiness {

		/**
		 * The health group that must be UP before a worker counts as ready, as
		 * /actuator/health/{group} shows it. Without such a group (or without Actuator's health),
		 * the application's readiness state (ACCEPTING_TRAFFIC) is used. Empty to count a worker
		 * ready as soon as its application is.
		 */
		private String healthGroup = "readiness";

		/**
		 * How often a worker that is not ready yet checks again.
		 */
		private Duration checkInterval = Duration.ofMillis(500);

		public String getHealthGroup() {
			return this.healthGroup;
		}

		public void setHealthGroup(String healthGroup) {
			this.healthGroup = healthGroup;
		}

		public Duration getCheckInterval() {
			return this.checkInterval;
		}

		public void setCheckInterval(Duration checkInterval) {
			this.checkInterval = checkInterval;
		}

	}

	/**
	 * The warm-up of a worker that starts while the cluster serves (a rolling restart, a deploy,
	 * a replacement, a recycle, a scale-up): once its application is ready, and before it takes
	 * connections, it sends the listed requests to itself over loopback, through its own web
	 * server on a private port, so that the paths users hit are loaded and compiled before users
	 * wait on them. The warm-up's requests never reach the shared port and are left out of the
	 * worker's request metrics. Workers started with the cluster, while nothing serves yet, do
	 * not warm up.
	 */
	public static class Warmup {

		/**
		 * The requests each round sends, in order. Empty (the default) for no warm-up.
		 */
		private List<WarmupRequest> requests = new ArrayList<>();

		/**
		 * How many rounds of the requests the warm-up sends, unless 'duration' is set.
		 */
		private int iterations = 1000;

		/**
		 * Send rounds of the requests for this long instead of a number of iterations.
		 */
		private Duration duration;

		/**
		 * How many warm-up requests are in flight at once, each on a connection of its own.
		 */
		private int concurrency = 2;

		/**
		 * The longest a warm-up may take: at this time the worker stops it and takes connections
		 * anyway. It is added to 'cluster.startup-timeout' for a worker in warm-up.
		 */
		private Duration timeout = Duration.ofSeconds(60);

		/**
		 * The longest one warm-up request may take before it counts as failed.
		 */
		private Duration requestTimeout = Duration.ofSeconds(10);

		public List<WarmupRequest> getRequests() {
			return this.requests;
		}

		public void setRequests(List<WarmupRequest> requests) {
			this.requests = requests;
		}

		public int getIterations() {
			return this.iterations;
		}

		public void setIterations(int iterations) {
			this.iterations = iterations;
		}

		public Duration getDuration() {
			return this.duration;
		}

		public void setDuration(Duration duration) {
			this.duration = duration;
		}

		public int getConcurrency() {
			return this.concurrency;
		}

		public void setConcurrency(int concurrency) {
			this.concurrency = concurrency;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Duration getRequestTimeout() {
			return this.requestTimeout;
		}

		public void setRequestTimeout(Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
		}

		/**
		 * Return whether a warm-up is configured.
		 * @return whether there are requests to send
		 */
		public boolean isEnabled() {
			return !this.requests.isEmpty();
		}

		/**
		 * Return how much longer than {@code cluster.startup-timeout} a worker that warms up
		 * may take to get ready.
		 * @return the warm-up's time-out when one is configured, else zero
		 */
		public Duration allowance() {
			return isEnabled() ? this.timeout : Duration.ZERO;
		}

		/**
		 * Describe everything the warm-up sends, so that an image trained with it is told apart
		 * from one trained with another.
		 * @return the requests, their headers and bodies, and how many rounds
		 */
		public String identity() {
			StringBuilder identity = new StringBuilder("rounds=" + ((this.duration != null) ? this.duration : this.iterations));
			for (WarmupRequest request : this.requests) {
				identity.append('\0')
					.append(request)
					.append('\0')
					.append(request.getHeaders())
					.append('\0')
					.append(request.getBody());
			}
			return identity.toString();
		}

	}

	/**
	 * One request of the warm-up.
	 */
	public static class WarmupRequest {

		/**
		 * The HTTP method.
		 */
		private String method = "GET";

		/**
		 * The path on the application's server as clients send it (with the context path),
		 * and its query if any, such as /products?page=1.
		 */
		private String path;

		/**
		 * The request's body, sent as UTF-8; none when unset.
		 */
		private String body;

		/**
		 * The request's headers, such as Content-Type or Authorization.
		 */
		private Map<String, String> headers = new LinkedHashMap<>();

		public String getMethod() {
			return this.method;
		}

		public void setMethod(String method) {
			this.method = method;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		public String getBody() {
			return this.body;
		}

		public void setBody(String body) {
			this.body = body;
		}

		public Map<String, String> getHeaders() {
			return this.headers;
		}

		public void setHeaders(Map<String, String> headers) {
			this.headers = headers;
		}

		@Override
		public String toString() {
			return this.method + " " + this.path;
		}

	}

	/**
	 * The check of the Spring Boot release the application runs on.
	 */
	public static class CompatibilityVerifier {

		/**
		 * Whether the application refuses to start on a Spring Boot release outside the range
		 * this starter supports (4.0.x and 4.1.x), with a failure report naming both versions.
		 * Turn it off only to try a newer Spring Boot release untested.
		 */
		private boolean enabled = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
