package io.clusterstarter.observe;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.clusterstarter.WorkerState;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.springframework.util.ClassUtils;

/**
 * The primary's meters about the cluster: workers by state, forks, exits by cause, restarts,
 * worker start-up time, failed slots, scrape misses and workers by release version. The primary has no application context, so it keeps
 * a Prometheus registry of its own, which the cluster-wide scrape renders beside the workers'
 * meters. Only loaded when Micrometer's Prometheus registry is on the class path.
 *
 * @author cluster-spring-boot-starter
 */
public final class PrimaryMeters implements MeterBinder {

	private final ClusterGauges cluster;

	private final ClusterCounters counters;

	private PrimaryMeters(ClusterGauges cluster, ClusterCounters counters) {
		this.cluster = cluster;
		this.counters = counters;
	}

	/**
	 * Return a supplier of the primary's meters in Prometheus text format, or {@code null}
	 * when the Prometheus registry is not on the class path.
	 * @param cluster what the gauges read
	 * @param counters the primary's counters
	 * @return the meters' text
	 */
	public static Supplier<String> prometheus(ClusterGauges cluster, ClusterCounters counters) {
		if (!ClassUtils.isPresent("io.micrometer.prometheusmetrics.PrometheusMeterRegistry",
				PrimaryMeters.class.getClassLoader())) {
			return null;
		}
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		new PrimaryMeters(cluster, counters).bindTo(registry);
		MultiGauge versions = MultiGauge.builder("cluster.workers.release")
			.description("Live workers by the version of the release they run")
			.register(registry);
		return () -> {
			// Versions come and go with deploys: the rows are the current ones at each scrape
			versions.register(cluster.workersByVersion()
				.entrySet()
				.stream()
				.map((entry) -> MultiGauge.Row.of(Tags.of("version", entry.getKey()), entry.getValue()))
				.toList(), true);
			return registry.scrape();
		};
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (WorkerState state : Arrays.stream(WorkerState.values()).filter((s) -> s != WorkerState.DEAD).toList()) {
			Gauge.builder("cluster.workers", this.cluster, (cluster) -> cluster.countInState(state))
				.tag("state", state.displayName())
				.description("Live workers by state")
				.register(registry);
		}
		Gauge.builder("cluster.workers.configured", this.cluster, ClusterGauges::configuredWorkers)
			.description("The number of workers the primary keeps running")
			.register(registry);
		Gauge.builder("cluster.slots.failed", this.cluster, ClusterGauges::failedSlotCount)
			.description("Slots whose workers exited too often and are no longer restarted")
			.register(registry);
		counter(registry, "cluster.worker.forks", "Workers forked", this.counters.forks);
		counter(registry, "cluster.worker.restarts", "Workers forked to replace one that exited unexpectedly",
				this.counters.restarts);
		counter(registry, "cluster.worker.recycles",
				"Workers replaced for reaching a cluster.recycle limit (requests, heap after GC, resident memory)",
				this.counters.recycles);
		for (Map.Entry<ClusterCounters.ExitCause, LongAdder> exits : this.counters.exits.entrySet()) {
			FunctionCounter.builder("cluster.worker.exits", exits.getValue(), LongAdder::sum)
				.tag("cause", exits.getKey().tag())
				.description("Workers exited, by cause")
				.register(registry);
		}
		FunctionTimer
			.builder("cluster.worker.startup", this.counters, (counters) -> counters.startups.sum(),
					(counters) -> counters.startupNanos.sum(), TimeUnit.NANOSECONDS)
			.description("Time from fork until a worker serves (listening, or ready without a web server)")
			.register(registry);
		counter(registry, "cluster.scrape.workers.missed",
				"Workers left out of a cluster-wide scrape because they did not answer in time",
				this.counters.scrapeMisses);
	}

	private static void counter(MeterRegistry registry, String name, String description, LongAdder adder) {
		FunctionCounter.builder(name, adder, LongAdder::sum).description(description).register(registry);
	}

}
