package io.clusterstarter.worker;

import java.lang.management.ManagementFactory;
import java.time.Duration;

import com.sun.management.OperatingSystemMXBean;
import io.clusterstarter.ipc.IpcMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link WorkerStatsReporter}: the figures it reads from this very JVM.
 */
class WorkerStatsReporterTests {

	private final WorkerStatsReporter reporter = new WorkerStatsReporter(TestWorkerRuntimes.unconnected(1, 0),
			new RequestStatistics(), Duration.ofMinutes(10));

	@Test
	void figuresArePlausible() {
		IpcMessage.Stats stats = this.reporter.collect();
		assertThat(stats.isValid()).isTrue();
		assertThat(stats.heapUsed()).isPositive();
		assertThat(stats.threads()).isCloseTo(ManagementFactory.getThreadMXBean().getThreadCount(), within(20));
		assertThat(stats.requestsServed()).isZero();
	}

	@Test
	void heapAfterGcFollowsCollectionsOnceStarted() {
		this.reporter.start();
		try {
			System.gc();
			await().atMost(Duration.ofSeconds(10)).until(() -> this.reporter.collect().heapAfterGc() != null);
			IpcMessage.Stats stats = this.reporter.collect();
			assertThat(stats.heapAfterGc()).isPositive().isLessThanOrEqualTo(stats.heapCommitted());
		}
		finally {
			this.reporter.stop();
		}
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void residentMemoryIsReadOnLinux() {
		Long rss = this.reporter.collect().rss();
		assertThat(rss).isNotNull();
		// At least the committed heap's first pages and the JVM itself, at most the machine
		assertThat(rss).isGreaterThan(16L * 1024 * 1024)
			.isLessThan(((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize());
	}

	@Test
	@EnabledOnOs(OS.LINUX)
	void proportionalMemoryIsReadOnLinux() {
		IpcMessage.Stats stats = this.reporter.collect();
		// Shared pages (the JDK's libraries and class-data archive) count only in part
		// (read a moment after RSS, so the heap may have grown a little meanwhile)
		assertThat(stats.pss()).isNotNull().isPositive().isLessThanOrEqualTo(stats.rss() + 8L * 1024 * 1024);
	}

}
