package io.clusterstarter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The primary's authoritative view of the cluster, as {@code /actuator/cluster} shows it.
 * Instants and durations are ISO-8601 strings and sizes are bytes, so the JSON shape does not
 * depend on how a JSON mapper is configured.
 *
 * @param primary the primary, or {@code null} when the application is not clustered
 * @param workers the live workers keyed by id, in id order
 * @author cluster-spring-boot-starter
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClusterSnapshot(Primary primary, Map<String, WorkerInfo> workers) {

	/**
	 * Return the workers that serve: listening when the application has a web server, ready
	 * otherwise.
	 * @return the number of serving workers
	 */
	public long serving() {
		boolean web = this.primary != null && this.primary.port() != null;
		return this.workers.values()
			.stream()
			.filter((worker) -> web ? "listening".equals(worker.state()) : worker.ready())
			.count();
	}

	/**
	 * Return a copy with every worker environment value ({@code cluster.env}) passed through
	 * {@code masker}.
	 * @param masker what to show instead of each value
	 * @return the copy
	 */
	public ClusterSnapshot withEnvValues(UnaryOperator<String> masker) {
		if (this.primary == null || this.primary.settings() == null) {
			return this;
		}
		return new ClusterSnapshot(this.primary.withSettings(this.primary.settings().withEnvValues(masker)),
				this.workers);
	}

	/**
	 * The primary process.
	 * @param pid the primary's pid
	 * @param startTime when the primary's JVM started
	 * @param uptime how long the primary has been running
	 * @param port the shared port, or {@code null} without a web server
	 * @param scheduling how connections reach workers: {@code shared-queue} (every ready worker
	 * accepts from the primary's one listening socket), {@code reuse-port} (the kernel spreads
	 * them over the workers' {@code SO_REUSEPORT} listeners) or {@code none} (no web server)
	 * @param settings the effective settings
	 * @param counters what happened since the primary started
	 * @param failedSlots slots whose workers exited too often and are no longer restarted
	 * @param image the worker image
	 * @param rss resident memory of the primary's process in bytes, or {@code null} when
	 * unknown (off Linux)
	 * @param release the release new slots start with: the one launched, or the last one
	 * deployed
	 * @param previousRelease the release before it, which a failed deploy rolls back to, or
	 * {@code null}
	 * @param deploy the deploy under way, or {@code null}
	 * @param host the memory and processors the workers share, or {@code null} when unknown
	 * @param runs what the primary itself runs, which only an upgrade changes, or {@code null}
	 * when unknown
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Primary(long pid, String startTime, String uptime, Integer port, String scheduling,
			Settings settings, Counters counters, List<Integer> failedSlots, Image image, Long rss, Release release,
			Release previousRelease, Deploy deploy, Host host, PrimaryRelease runs) {

		public Primary {
			failedSlots = (failedSlots != null) ? List.copyOf(failedSlots) : List.of();
		}

		/**
		 * Return a copy with other settings.
		 * @param settings the settings
		 * @return the copy
		 */
		public Primary withSettings(Settings settings) {
			return new Primary(this.pid, this.startTime, this.uptime, this.port, this.scheduling, settings,
					this.counters, this.failedSlots, this.image, this.rss, this.release, this.previousRelease,
					this.deploy, this.host, this.runs);
		}

	}

	/**
	 * The primary's effective settings.
	 * @param workers the configured number of workers ({@code auto} resolved)
	 * @param execArgv JVM options for each worker
	 * @param args program arguments for each worker
	 * @param env environment variables for each worker; values are masked by the endpoint
	 * unless its {@code show-values} allows them
	 * @param silent whether worker output is discarded
	 * @param shareProcessors whether each worker sees its share of the processors
	 * @param cpuAffinity how workers are placed on processors
	 * @param shutdownTimeout time workers get to stop gracefully
	 * @param restart when and how fast workers are replaced
	 * @param statsInterval how often workers report their figures, or {@code null} when they do
	 * not
	 * @param rollingRestartParallelism workers replaced at the same time in a rolling restart
	 * @param startupConcurrency the most workers that start at the same time
	 * @param recycle the limits that recycle a worker, or {@code null} when none is set
	 * @param maxRamPercentage the heap limit new workers get, in percent of the memory
	 * ({@code -XX:MaxRAMPercentage}), or {@code null} when memory is not shared or the JVM
	 * options set the heap size themselves
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Settings(int workers, List<String> execArgv, List<String> args, Map<String, String> env,
			boolean silent, boolean shareProcessors, String cpuAffinity, String shutdownTimeout, Restart restart,
			String statsInterval, int rollingRestartParallelism, int startupConcurrency, Recycle recycle,
			Double maxRamPercentage) {

		/**
		 * Return a copy with every environment value passed through {@code masker}.
		 * @param masker what to show instead of each value
		 * @return the copy
		 */
		public Settings withEnvValues(UnaryOperator<String> masker) {
			if (this.env == null) {
				return this;
			}
			Map<String, String> masked = new LinkedHashMap<>();
			this.env.forEach((name, value) -> masked.put(name, masker.apply(value)));
			return new Settings(this.workers, this.execArgv, this.args, masked, this.silent, this.shareProcessors,
					this.cpuAffinity, this.shutdownTimeout, this.restart, this.statsInterval,
					this.rollingRestartParallelism, this.startupConcurrency, this.recycle, this.maxRamPercentage);
		}

	}

	/**
	 * The limits past which a worker is recycled; unset limits are left out.
	 * @param maxRequests requests served, before jitter
	 * @param maxRequestsJitter the most requests added at random for each worker
	 * @param maxHeapAfterGc heap bytes in use after the latest collection
	 * @param maxRss resident memory bytes
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Recycle(Long maxRequests, Long maxRequestsJitter, Long maxHeapAfterGc, Long maxRss) {
	}

	/**
	 * The worker image.
	 * @param state {@code off}, {@code preparing}, {@code ready} or {@code failed}
	 * @param reason why it is off or failed, {@code null} otherwise
	 * @param directory where it is kept, {@code null} when off
	 * @param jvm the JVM it is made for, {@code null} when off
	 * @param cache the class-data cache, {@code cds-archive} or {@code aot-cache}, when ready
	 * @param size the cache's size in bytes, when ready
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Image(String state, String reason, String directory, String jvm, String cache, Long size) {
	}

	/**
	 * When and how fast workers that exit are replaced.
	 * @param policy {@code always}, {@code on-failure} or {@code never}
	 * @param initialBackoff delay before the first replacement in a slot
	 * @param maxBackoff longest delay between replacements
	 * @param multiplier growth of the delay after each failure
	 */
	public record Restart(String policy, String initialBackoff, String maxBackoff, double multiplier) {
	}

	/**
	 * Totals since the primary started.
	 * @param forks workers forked
	 * @param exits workers exited, for any reason
	 * @param restarts workers forked to replace one that exited unexpectedly
	 * @param recycles workers replaced for reaching a {@code cluster.recycle} limit
	 * @param oomKills workers killed by the kernel's out-of-memory killer
	 */
	public record Counters(long forks, long exits, long restarts, long recycles, long oomKills) {
	}

	/**
	 * The memory and processors the workers share, as the primary's JVM sees them.
	 * @param memoryLimit the memory in bytes: the container's limit when there is one
	 * @param containerLimit whether a container's limit is below the machine's memory
	 * @param processors the processors available to the primary's JVM
	 */
	public record Host(long memoryLimit, boolean containerLimit, int processors) {
	}

	/**
	 * What a worker's JVM was given, and where each setting came from.
	 * @param heap its heap limit
	 * @param processors its processor count
	 */
	public record Sizing(HeapSizing heap, ProcessorSizing processors) {
	}

	/**
	 * A worker's heap limit.
	 * @param max the limit in bytes, as its JVM computes it from the option and the memory
	 * @param option the option that sets it, or {@code null} for the JVM's default
	 * @param source where the option comes from: {@code cluster} (the cluster's share),
	 * {@code exec-argv}, {@code command-line} (the primary's), an options variable
	 * ({@code JAVA_TOOL_OPTIONS} …) or {@code jvm-default}
	 * @param replaces the option of an options variable that the cluster's share replaced, with
	 * its variable, or {@code null}
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record HeapSizing(long max, String option, String source, String replaces) {
	}

	/**
	 * A worker's processor count.
	 * @param count the processors its JVM sizes its thread pools and collector for
	 * @param option the option that sets it, or {@code null} for the JVM's own count
	 * @param source where the option comes from, as for {@link HeapSizing#source()}
	 * @param replaces the option of an options variable that the cluster's share replaced, with
	 * its variable, or {@code null}
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record ProcessorSizing(int count, String option, String source, String replaces) {
	}

	/**
	 * One worker.
	 * @param id the worker id
	 * @param slot the worker's slot
	 * @param pid the worker's pid
	 * @param state the state, lower case ({@code forked}, {@code online}, {@code warming},
	 * {@code listening}, {@code disconnecting} or {@code dead})
	 * @param ready whether the worker's application is ready ({@code ApplicationReadyEvent})
	 * @param lead whether the worker is the lead worker, which runs {@code @OnOneWorker} methods
	 * @param startTime when the worker was forked
	 * @param uptime how long ago the worker was forked
	 * @param exitedAfterDisconnect whether the worker is leaving because of a disconnect
	 * @param logFile the worker's own log file, or {@code null} when the application does not
	 * log to a file
	 * @param fromImage whether the worker started from the worker image: launched with it, and
	 * its JVM mapped the image's class-data cache ({@code /proc/<pid>/maps}); {@code null}
	 * until the worker serves
	 * @param startup how long the worker took from its fork until it served, or {@code null}
	 * before that
	 * @param release the release the worker runs
	 * @param restarts how many times the worker's slot has been restarted after a worker exited
	 * unexpectedly (PM2's restart count)
	 * @param report the worker's latest figures, or {@code null} before its first report
	 * @param sizing what the worker's JVM was given of the memory and processors, and where
	 * each setting came from, or {@code null} when unknown
	 * @param warmup the worker's warm-up ({@code cluster.warmup}), or {@code null} for a worker
	 * that did not warm up
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record WorkerInfo(int id, int slot, long pid, String state, boolean ready, boolean lead, String startTime,
			String uptime, boolean exitedAfterDisconnect, String logFile, Boolean fromImage, String startup,
			Release release, int restarts, Report report, Sizing sizing, Warmup warmup) {
	}

	/**
	 * A worker's warm-up: the requests it sent itself before it took connections.
	 * @param state {@code running}, {@code completed}, or {@code timed-out} when
	 * {@code cluster.warmup.timeout} ended it
	 * @param requests requests sent so far, answered or failed
	 * @param failed of those, the ones that failed (an error status, an I/O error or their
	 * time-out)
	 * @param progress how far it is, from 0 to 1
	 * @param millis how long it has run, or ran
	 */
	public record Warmup(String state, long requests, long failed, double progress, long millis) {

		/** The state of a warm-up under way. */
		public static final String RUNNING = "running";

		/** The state of a warm-up that sent all its requests, or ran for its duration. */
		public static final String COMPLETED = "completed";

		/** The state of a warm-up that {@code cluster.warmup.timeout} ended. */
		public static final String TIMED_OUT = "timed-out";

		/**
		 * Return whether the warm-up has ended.
		 * @return whether it is over
		 */
		@JsonIgnore
		public boolean isOver() {
			return !RUNNING.equals(this.state);
		}

		/**
		 * Describe the warm-up for a log line.
		 * @return such as {@code 2000 requests in 4.2 s, 0 failed}
		 */
		@JsonIgnore
		public String describe() {
			return String.format("%d requests in %.1f s, %d failed", this.requests, this.millis / 1000.0, this.failed);
		}

	}

	/**
	 * A release of the application: one artifact the workers run.
	 * @param version its version ({@code Implementation-Version}, {@code build-info}, git
	 * commit, else {@code sha256:} and the start of its hash), or {@code null} for a launch
	 * that is not an executable jar
	 * @param artifact the artifact as it was named (the launched jar, or the one deployed)
	 * @param sha256 the SHA-256 of its content, or {@code null}
	 * @param runsFrom the file its workers run: the primary's private copy, or the artifact
	 * itself when no copy could be made
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Release(String version, String artifact, String sha256, String runsFrom) {
	}

	/**
	 * What the primary itself runs: the release it was launched from (deploys change the
	 * workers' release, not this one) and its starter.
	 * @param version the launched release's version, or {@code null} when the launch tells none
	 * @param artifact the jar the primary was launched from, or {@code null}
	 * @param starter the starter's version, or {@code null} when its jar tells none
	 * @param upgradedFrom the pid of the primary it took over from in an upgrade, or
	 * {@code null}
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record PrimaryRelease(String version, String artifact, String starter, Long upgradedFrom) {
	}

	/**
	 * The deploy under way.
	 * @param release the release being deployed
	 * @param phase {@code preparing} (its image), {@code rolling} (workers replaced one
	 * after the other) or {@code rolling-back}
	 * @param since when it started
	 */
	public record Deploy(Release release, String phase, String since) {
	}

	/**
	 * The figures a worker reported. When the report is stale (older than twice the reporting
	 * interval plus a second), only its time and age are shown: old numbers are never presented
	 * as current.
	 * @param time when the primary received the report
	 * @param age how old the report is
	 * @param stale whether the worker has stopped reporting
	 * @param heap heap memory, {@code null} when stale
	 * @param processCpuLoad the worker's recent CPU load, 0 to 1 of the whole machine, or
	 * {@code null} when stale or unknown
	 * @param threads live threads, {@code null} when stale
	 * @param gcPause total time spent in stop-the-world collections, {@code null} when stale
	 * @param requests HTTP requests, {@code null} when stale or without a web server
	 * @param rss resident memory of the worker's process in bytes, {@code null} when stale or
	 * unknown (off Linux)
	 * @param pss proportional memory of the worker's process in bytes: its private pages plus
	 * its share of the pages it shares with other processes (the image's cache, the JVM's
	 * libraries), so that the workers' figures add up to what they cost together; {@code null}
	 * when stale or unknown
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Report(String time, String age, boolean stale, Heap heap, Double processCpuLoad, Integer threads,
			String gcPause, Requests requests, Long rss, Long pss) {
	}

	/**
	 * Heap memory, in bytes.
	 * @param used bytes in use
	 * @param committed bytes committed by the JVM
	 * @param max the limit, or -1 when undefined
	 * @param afterGc bytes in use right after the latest collection, {@code null} before the
	 * first one
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Heap(long used, long committed, long max, Long afterGc) {
	}

	/**
	 * HTTP requests handled by a worker.
	 * @param served requests completed since the worker started
	 * @param inFlight requests in progress when the report was made
	 * @param perSecond requests served per second between the worker's last two reports, or
	 * {@code null} before its second report
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Requests(long served, long inFlight, Double perSecond) {
	}

}
