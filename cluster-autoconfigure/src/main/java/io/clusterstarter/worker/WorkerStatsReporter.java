package io.clusterstarter.worker;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.clusterstarter.ProcessMemory;
import io.clusterstarter.ipc.IpcMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * Sends the worker's figures to the primary at a fixed interval, from a daemon thread of its
 * own, while the application context runs. The figures come from the JVM's management beans and
 * from {@link RequestStatistics}; nothing here depends on Micrometer. The heap in use after the
 * latest collection comes from the JVM's collection notifications, resident and proportional
 * memory from {@code /proc} on Linux ({@link ProcessMemory}).
 *
 * @author cluster-spring-boot-starter
 */
public class WorkerStatsReporter implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(WorkerStatsReporter.class);

	private final WorkerRuntime runtime;

	private final RequestStatistics requests;

	private final Duration interval;

	private final List<GarbageCollectorMXBean> pausingCollectors;

	private final Set<String> heapPools;

	private final NotificationListener collections = this::collected;

	private volatile Long heapAfterGc;

	private ScheduledExecutorService scheduler;

	/**
	 * Create the reporter.
	 * @param runtime the worker's link to the primary
	 * @param requests the request counts, or {@code null} without a web server
	 * @param interval how often to report
	 */
	public WorkerStatsReporter(WorkerRuntime runtime, RequestStatistics requests, Duration interval) {
		this.runtime = runtime;
		this.requests = requests;
		this.interval = interval;
		this.pausingCollectors = ManagementFactory.getGarbageCollectorMXBeans()
			.stream()
			.filter(WorkerStatsReporter::pauses)
			.toList();
		this.heapPools = ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> pool.getType() == MemoryType.HEAP)
			.map(MemoryPoolMXBean::getName)
			.collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * Concurrent collectors' beans ({@code G1 Concurrent GC}, {@code ZGC Cycles},
	 * {@code Shenandoah Cycles}) count time spent beside the application, not pauses.
	 */
	private static boolean pauses(GarbageCollectorMXBean collector) {
		String name = collector.getName();
		return !name.contains("Concurrent") && !name.contains("Cycles");
	}

	@Override
	public synchronized void start() {
		this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "cluster-worker-stats");
			thread.setDaemon(true);
			return thread;
		});
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			if (collector instanceof NotificationEmitter emitter) {
				emitter.addNotificationListener(this.collections, null, null);
			}
		}
		long millis = this.interval.toMillis();
		this.scheduler.scheduleAtFixedRate(this::report, 0, millis, TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void stop() {
		if (this.scheduler != null) {
			this.scheduler.shutdownNow();
			this.scheduler = null;
			for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
				if (collector instanceof NotificationEmitter emitter) {
					try {
						emitter.removeNotificationListener(this.collections);
					}
					catch (ListenerNotFoundException ex) {
						// Never added
					}
				}
			}
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.scheduler != null;
	}

	private void report() {
		try {
			this.runtime.report(collect());
		}
		catch (RuntimeException ex) {
			// A failed report must not stop the next ones: the scheduler would cancel the task
			logger.debug("Could not report worker figures", ex);
		}
	}

	/**
	 * Return the worker's figures now.
	 * @return the figures
	 */
	public IpcMessage.Stats collect() {
		MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
		long gcPause = 0;
		for (GarbageCollectorMXBean collector : this.pausingCollectors) {
			gcPause += Math.max(0, collector.getCollectionTime());
		}
		return new IpcMessage.Stats(heap.getUsed(), heap.getCommitted(), heap.getMax(), processCpuLoad(),
				ManagementFactory.getThreadMXBean().getThreadCount(), gcPause,
				(this.requests != null) ? this.requests.served() : null,
				(this.requests != null) ? this.requests.inFlight() : null, this.heapAfterGc, ProcessMemory.resident(ProcessMemory.SELF),
				ProcessMemory.proportional(ProcessMemory.SELF));
	}

	/**
	 * Keep the heap in use right after a collection, summed over the heap's pools.
	 */
	private void collected(Notification notification, Object handback) {
		if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
			return;
		}
		GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
			.from((CompositeData) notification.getUserData());
		long used = 0;
		for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
			if (this.heapPools.contains(pool.getKey())) {
				used += pool.getValue().getUsed();
			}
		}
		this.heapAfterGc = used;
	}

	private static double processCpuLoad() {
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		if (os instanceof com.sun.management.OperatingSystemMXBean extended) {
			return extended.getProcessCpuLoad();
		}
		return -1;
	}

}
