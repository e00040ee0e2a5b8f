package io.clusterstarter.primary;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.clusterstarter.ClusterSettings;
import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.ProcessMemory;
import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.deploy.Release;
import io.clusterstarter.deploy.Releases;
import io.clusterstarter.ipc.IpcMessage;
import io.clusterstarter.observe.ClusterCounters;
import io.clusterstarter.resources.WorkerShares;
import io.clusterstarter.upgrade.PrimaryUpgrade;

/**
 * Builds the primary's view of the cluster that {@code /actuator/cluster}, the health indicator
 * and the info contributor show: the primary (its settings as in effect, counters, image and
 * releases) and every live worker with its latest report. Used on the cluster's event loop.
 *
 * @author cluster-spring-boot-starter
 */
final class ClusterView {

	private final PrimaryCluster cluster;

	private final ClusterProperties properties;

	private final PrimaryOptions options;

	private final ClusterCounters counters;

	/** What the primary runs: fixed for its life. */
	private final ClusterSnapshot.PrimaryRelease runs;

	ClusterView(PrimaryCluster cluster, ClusterProperties properties, PrimaryOptions options,
			ClusterCounters counters) {
		this.cluster = cluster;
		this.properties = properties;
		this.options = options;
		this.counters = counters;
		Release launched = cluster.releases().current();
		this.runs = new ClusterSnapshot.PrimaryRelease(launched.version(),
				(launched.artifact() != null) ? launched.artifact().path().toString() : null,
				PrimaryUpgrade.starterVersion(), options.upgradedFrom());
	}

	/**
	 * Describe the cluster now.
	 * @param workers the live workers, by id
	 * @return the snapshot
	 */
	ClusterSnapshot snapshot(Collection<ManagedWorker> workers) {
		Releases releases = this.cluster.releases();
		Release current = releases.current();
		Instant now = Instant.now();
		Map<String, ClusterSnapshot.WorkerInfo> infos = new LinkedHashMap<>();
		for (ManagedWorker worker : workers) {
			infos.put(String.valueOf(worker.id()), new ClusterSnapshot.WorkerInfo(worker.id(), worker.slot(),
					worker.pid(), worker.state().displayName(), worker.isReady(), this.cluster.isLead(worker),
					worker.startTime().toString(), Duration.between(worker.startTime(), now).toString(),
					worker.exitedAfterDisconnect(), worker.logFile(), worker.fromImage(),
					(worker.startup() != null) ? worker.startup().toString() : null, worker.release().snapshot(),
					this.cluster.slotRestarts(worker.slot()), report(worker, now),
					(worker.sizing() != null) ? worker.sizing().snapshot() : null, worker.warmup()));
		}
		ClusterSnapshot.Primary primary = new ClusterSnapshot.Primary(ProcessHandle.current().pid(),
				this.options.jvmStartTime().toString(), Duration.between(this.options.jvmStartTime(), now).toString(),
				this.options.port(), (this.options.acceptQueue() != null) ? this.options.acceptQueue().mode() : "none",
				effectiveSettings(),
				new ClusterSnapshot.Counters(this.counters.forks.sum(), this.counters.totalExits(),
						this.counters.restarts.sum(), this.counters.recycles.sum(),
						this.counters.exits.get(ClusterCounters.ExitCause.OOM_KILL).sum()),
				this.cluster.failedSlots(), current.images().snapshot(), ProcessMemory.resident(ProcessMemory.SELF),
				current.snapshot(), (releases.previous() != null) ? releases.previous().snapshot() : null,
				this.cluster.deploySnapshot(), host(), this.runs);
		return new ClusterSnapshot(primary, infos);
	}

	private ClusterSnapshot.Settings effectiveSettings() {
		ClusterSettings current = this.cluster.settings();
		ClusterProperties.Restart restart = this.properties.getRestart();
		ClusterProperties.Stats stats = this.properties.getStats();
		return new ClusterSnapshot.Settings(this.cluster.configuredWorkers(), current.execArgv(), current.args(), current.env(),
				current.isSilent(), this.properties.isShareProcessors(),
				this.properties.getCpuAffinity().name().toLowerCase(Locale.ROOT),
				this.properties.getShutdownTimeout().toString(),
				new ClusterSnapshot.Restart(restart.getPolicy().name().toLowerCase(Locale.ROOT).replace('_', '-'),
						restart.getInitialBackoff().toString(), restart.getMaxBackoff().toString(),
						restart.getMultiplier()),
				stats.isEnabled() ? stats.getInterval().toString() : null,
				this.properties.getRollingRestart().getParallelism(), this.cluster.startupConcurrency(), recycleLimits(),
				maxRamPercentage());
	}

	/** The share of the memory the workers forked from now on get, when it is a percentage. */
	private Double maxRamPercentage() {
		return this.options.shares()
			.forWorkers(this.cluster.configuredWorkers(), this.cluster.settings().execArgv())
			.maxRamPercentage();
	}

	private ClusterSnapshot.Host host() {
		WorkerShares shares = this.options.shares();
		return new ClusterSnapshot.Host(shares.memory().bytes(), shares.memory().container(), shares.processors());
	}

	private ClusterSnapshot.Recycle recycleLimits() {
		ClusterProperties.Recycle recycle = this.properties.getRecycle();
		if (!recycle.hasLimit()) {
			return null;
		}
		return new ClusterSnapshot.Recycle((recycle.getMaxRequests() > 0) ? recycle.getMaxRequests() : null,
				(recycle.getMaxRequestsJitter() > 0) ? recycle.getMaxRequestsJitter() : null,
				(recycle.getMaxHeapAfterGc() != null) ? recycle.getMaxHeapAfterGc().toBytes() : null,
				(recycle.getMaxRss() != null) ? recycle.getMaxRss().toBytes() : null);
	}

	/**
	 * Describe a worker's latest figures: in full while fresh, only their time and age once
	 * the worker has missed two reports.
	 */
	private ClusterSnapshot.Report report(ManagedWorker worker, Instant now) {
		IpcMessage.Stats stats = worker.stats();
		Instant time = worker.statsTime();
		if (stats == null || time == null) {
			return null;
		}
		Duration age = Duration.between(time, now);
		Duration staleAfter = this.properties.getStats().getInterval().multipliedBy(2).plusSeconds(1);
		if (age.compareTo(staleAfter) > 0) {
			return new ClusterSnapshot.Report(time.toString(), age.toString(), true, null, null, null, null, null,
					null, null);
		}
		ClusterSnapshot.Requests requests = (stats.requestsServed() != null && stats.requestsInFlight() != null)
				? new ClusterSnapshot.Requests(stats.requestsServed(), stats.requestsInFlight(),
						worker.requestRate()) : null;
		return new ClusterSnapshot.Report(time.toString(), age.toString(), false,
				new ClusterSnapshot.Heap(stats.heapUsed(), stats.heapCommitted(), stats.heapMax(), stats.heapAfterGc()),
				(stats.processCpuLoad() >= 0) ? stats.processCpuLoad() : null, stats.threads(),
				Duration.ofMillis(stats.gcPauseMillis()).toString(), requests, stats.rss(), stats.pss());
	}

}
