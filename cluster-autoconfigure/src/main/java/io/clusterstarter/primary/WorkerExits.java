package io.clusterstarter.primary;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.clusterstarter.WorkerState;
import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.command.JvmLaunch;
import io.clusterstarter.event.WorkerExitEvent;
import io.clusterstarter.observe.ClusterCounters;
import io.clusterstarter.resources.MemoryLimit;
import io.clusterstarter.resources.OomKills;
import io.clusterstarter.resources.WorkerShares;
import io.clusterstarter.supervise.SlotRestarts;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * What happens when a worker's process ends: the {@code exit} event, the counters, and whether
 * and when its slot gets a replacement (a roll's or recycle's own step, a crash restart after
 * its backoff, or none after a planned exit). Also starts a slot's backoff over once its worker
 * has been ready for the stable period. Used on the cluster's event loop only, like Gunicorn's
 * one handler per signal: the supervision loop stays in {@link PrimaryCluster}, the decision on
 * each exit lives here.
 *
 * @author cluster-spring-boot-starter
 */
final class WorkerExits {

	private static final Log logger = LogFactory.getLog(WorkerExits.class);

	/** How long an exit by SIGINT waits for the primary's own SIGINT before it counts as a crash. */
	static final Duration CTRL_C_GRACE = Duration.ofSeconds(1);

	/** The signals a JVM that fails in its own code ends by (its hs_err report's). */
	private static final Set<String> JVM_CRASHES = Set.of("SIGABRT", "SIGSEGV", "SIGBUS", "SIGILL");

	private final PrimaryCluster cluster;

	private final ClusterProperties properties;

	private final SlotRestarts restarts;

	private final ClusterCounters counters;

	private final ScheduledExecutorService loop;

	private final OomKills oomKills;

	private final MemoryLimit memory;

	WorkerExits(PrimaryCluster cluster, ClusterProperties properties, SlotRestarts restarts, ClusterCounters counters,
			ScheduledExecutorService loop, OomKills oomKills, MemoryLimit memory) {
		this.cluster = cluster;
		this.properties = properties;
		this.restarts = restarts;
		this.counters = counters;
		this.loop = loop;
		this.oomKills = oomKills;
		this.memory = memory;
	}

	/**
	 * Handle the exit of a worker's process.
	 * @param worker the worker
	 * @param decideBy until when an exit by SIGINT may still turn out to be the user's Ctrl-C
	 */
	void exited(ManagedWorker worker, Instant decideBy) {
		if (mayBeCtrlC(worker) && Instant.now().isBefore(decideBy)) {
			// Ctrl-C reaches the primary and its workers at once, and a worker may exit before the
			// primary's own SIGINT handler has run: give it a moment before calling this a crash
			this.loop.schedule(() -> this.cluster.later(() -> exited(worker, decideBy)), 50, TimeUnit.MILLISECONDS);
			return;
		}
		try {
			handleExit(worker);
			this.cluster.workersChanged();
		}
		finally {
			worker.exitHandled().complete(null);
		}
	}

	private boolean mayBeCtrlC(ManagedWorker worker) {
		return !this.cluster.isStopping() && !worker.exitedAfterDisconnect()
				&& worker.javaProcess().exitValue() == 128 + 2 && !JvmLaunch.isWindows();
	}

	private void handleExit(ManagedWorker worker) {
		boolean stopping = this.cluster.isStopping();
		if (stopping) {
			// The cluster's own shutdown: every exit now is planned, whoever signalled the worker
			worker.markExitedAfterDisconnect();
		}
		this.cluster.channelClosed(worker);
		worker.advance(WorkerState.DEAD);
		this.cluster.forget(worker);
		int code = worker.javaProcess().exitValue();
		String signal = signalName(code);
		// Only a SIGKILL nobody in the cluster sent can be the kernel's
		boolean outOfMemory = "SIGKILL".equals(signal) && worker.killedBecause() == null && this.oomKills.claim();
		this.counters.exited(worker.exitedAfterDisconnect(), code, signal, outOfMemory);
		this.cluster.output().exited(worker.id());
		this.cluster.publish(new WorkerExitEvent(worker, code, signal, worker.exitedAfterDisconnect(),
				outOfMemory ? WorkerExitEvent.OUT_OF_MEMORY : worker.killedBecause()));
		if (worker.image() != null && worker.startup() == null && signal != null && JVM_CRASHES.contains(signal)) {
			// The JVM itself failed before it served, maybe on the image's cache: the replacement
			// starts from the jar
			worker.release().images().crashed(worker.toString(), worker.image(), signal);
		}
		if (this.cluster.replacements().exited(worker, code)) {
			return;
		}
		if (!stopping && !worker.exitedAfterDisconnect() && this.restarts.replaces(code)) {
			long delay = this.restarts.exitedUnexpectedly(worker.slot(), worker.toString(), code, signal,
					outOfMemory ? memoryUse(worker) : null);
			if (delay >= 0) {
				replaceAfter(worker.slot(), delay);
			}
		}
		else if (!stopping) {
			logger.info(worker + " exited with code " + code + ((signal != null) ? " (" + signal + ")" : "")
					+ (outOfMemory ? ", killed by the kernel's OOM killer: " + memoryUse(worker) : "")
					+ (worker.exitedAfterDisconnect() ? " after a disconnect" : "") + "; not replaced");
		}
	}

	/**
	 * What an operator needs to know after an OOM kill: the limit, and what each worker may
	 * take of it.
	 */
	private String memoryUse(ManagedWorker worker) {
		String heap = (worker.sizing() != null) ? worker.sizing().describeHeap() : "its heap";
		return "the memory limit is " + MemoryLimit.format(this.memory.bytes()) + ", and each worker may use " + heap
				+ " and about " + MemoryLimit.format(WorkerShares.NON_HEAP_ESTIMATE) + " beside it";
	}

	/**
	 * Once a worker has been ready for the stable period, its slot's backoff starts again from
	 * the beginning.
	 * @param worker a worker that has just become ready
	 */
	void backoffStartsOverWhenStable(ManagedWorker worker) {
		this.loop.schedule(() -> this.cluster.later(() -> {
			if (this.cluster.staying(worker.id()) == worker) {
				this.restarts.stable(worker.slot());
			}
		}), this.properties.getRestart().getStablePeriod().toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Fork a replacement into the slot once the backoff is over, in the start-up waves: many
	 * slots crashing at once restart a few at a time too.
	 */
	private void replaceAfter(int slot, long delayMillis) {
		this.loop.schedule(() -> this.cluster.later(() -> {
			// No longer pending if the cluster was scaled down meanwhile
			if (this.restarts.takePending(slot) && !this.cluster.isStopping()) {
				this.cluster.queueFork(slot, true);
			}
		}), delayMillis, TimeUnit.MILLISECONDS);
	}

	/**
	 * Name the signal that ended a process, from its exit code (128 + the signal's number).
	 * @param exitCode the exit code
	 * @return the signal's name, or {@code null} if the process was not ended by a signal
	 */
	static String signalName(int exitCode) {
		if (JvmLaunch.isWindows() || exitCode <= 128 || exitCode > 128 + 31) {
			return null;
		}
		return switch (exitCode - 128) {
			case 1 -> "SIGHUP";
			case 2 -> "SIGINT";
			case 3 -> "SIGQUIT";
			case 4 -> "SIGILL";
			case 6 -> "SIGABRT";
			case 7 -> "SIGBUS";
			case 8 -> "SIGFPE";
			case 9 -> "SIGKILL";
			case 11 -> "SIGSEGV";
			case 13 -> "SIGPIPE";
			case 14 -> "SIGALRM";
			case 15 -> "SIGTERM";
			default -> "signal " + (exitCode - 128);
		};
	}

}
