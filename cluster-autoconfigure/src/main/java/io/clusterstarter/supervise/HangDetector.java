package io.clusterstarter.supervise;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.command.JvmLaunch;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Finds workers that take too long to start ({@code cluster.startup-timeout}, from their fork,
 * plus {@code cluster.warmup.timeout} for one that warms up),
 * have stopped sending heartbeats ({@code cluster.heartbeat.timeout}), or have not exited within
 * {@code cluster.shutdown-timeout} of their disconnect, asks each for a thread dump and kills it
 * a moment later; its exit is then handled as any other. Used on the cluster's event loop only,
 * and not while the cluster shuts down, which kills its stragglers itself.
 *
 * @author cluster-spring-boot-starter
 */
public final class HangDetector {

	private static final Log logger = LogFactory.getLog(HangDetector.class);

	/** Time a hung worker gets to write its thread dump before it is killed. */
	private static final Duration THREAD_DUMP_GRACE = Duration.ofSeconds(1);

	/** Time a worker that ended its warm-up at its time-out gets to start listening. */
	private static final Duration WARMUP_GRACE = Duration.ofSeconds(10);

	private final ClusterProperties properties;

	private final ScheduledExecutorService loop;

	private final boolean web;

	/**
	 * Create the detector.
	 * @param properties the cluster properties
	 * @param loop the cluster's event loop, which kills a hung worker after its thread dump
	 * @param web whether the workers listen on a port, which is what serving means then
	 */
	public HangDetector(ClusterProperties properties, ScheduledExecutorService loop, boolean web) {
		this.properties = properties;
		this.loop = loop;
		this.web = web;
	}

	/**
	 * Check every worker once.
	 * @param <W> the workers' type
	 * @param workers the live workers
	 * @param starting which of them replace another worker and are still starting
	 * @param serving which of them serve
	 */
	public <W extends SupervisedWorker> void check(Collection<W> workers, Predicate<W> starting, Predicate<W> serving) {
		Instant now = Instant.now();
		Duration startupTimeout = this.properties.getStartupTimeout();
		Duration heartbeatTimeout = this.properties.getHeartbeat().getTimeout();
		Duration shutdownTimeout = this.properties.getShutdownTimeout();
		for (W worker : workers) {
			if (worker.killedBecause() != null) {
				continue;
			}
			if (worker.isLeaving()) {
				// A worker that never acts on its disconnect (its IPC thread died, it is frozen)
				// would otherwise hold a rolling restart, a recycle or a scale-down for ever
				Instant leaving = worker.leavingSince();
				if (leaving != null && Duration.between(leaving, now).compareTo(shutdownTimeout) > 0) {
					killHung(worker, "did not exit within " + shutdownTimeout.toSeconds() + " s of its disconnect");
				}
				continue;
			}
			// A warm-up has its own time-out, on top of the start's; the worker ends it itself
			Duration allowed = (worker.warmup() != null)
					? startupTimeout.plus(this.properties.getWarmup().allowance()).plus(WARMUP_GRACE) : startupTimeout;
			if (starting.test(worker) && !worker.isReady()
					&& Duration.between(worker.startTime(), now).compareTo(allowed) > 0) {
				killHung(worker, "was not ready within " + allowed.toSeconds() + " s of its fork");
				continue;
			}
			Instant heartbeat = worker.lastHeartbeat();
			if (heartbeat != null && Duration.between(heartbeat, now).compareTo(heartbeatTimeout) > 0) {
				killHung(worker, "sent no heartbeat for " + heartbeatTimeout.toSeconds() + " s");
			}
			else if (!serving.test(worker) && Duration.between(worker.startTime(), now).compareTo(allowed) > 0) {
				killHung(worker, "did not " + (this.web ? "listen" : "become ready") + " within " + allowed.toSeconds()
						+ " s of its fork");
			}
		}
	}

	/**
	 * Ask the JVM for a thread dump (SIGQUIT: it prints one to the worker's output, which the
	 * worker's log keeps), then kill it.
	 */
	private void killHung(SupervisedWorker worker, String reason) {
		if (!worker.markKilled(reason)) {
			return;
		}
		logger.warn(worker + " " + reason + "; writing a thread dump to its output and killing it");
		if (!JvmLaunch.isWindows()) {
			try {
				// Not the primary's standard input: with the shared queue it is the listening socket
				new ProcessBuilder("kill", "-QUIT", String.valueOf(worker.pid())).redirectOutput(Redirect.INHERIT)
					.redirectError(Redirect.INHERIT)
					.start();
			}
			catch (IOException ex) {
				logger.debug("Could not ask " + worker + " for a thread dump: " + ex.getMessage());
			}
		}
		this.loop.schedule(worker::destroyForcibly, THREAD_DUMP_GRACE.toMillis(),
				TimeUnit.MILLISECONDS);
	}

}
