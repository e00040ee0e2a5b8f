package io.clusterstarter.primary;

import java.time.Instant;

/**
 * What the primary decided before forking.
 *
 * @param workers the number of workers to fork
 * @param port the shared port for the application's server, or {@code null} without one
 * @param managementPort the shared port for a separate management server, or {@code null}
 * @param logFile the application's log file, or {@code null} when it does not log to a file
 * @param processors the processors to share between workers (each is told it has its share),
 * or 0 to leave each worker the JVM's own count
 * @param affinity the processors to split between slots, or {@code null} to leave placement to
 * the operating system
 * @param jvmStartTime when the primary JVM started, for the start-up summary
 * @param startupConcurrency the most workers that start at the same time
 * @author cluster-spring-boot-starter
 */
public record PrimaryOptions(int workers, Integer port, Integer managementPort, String logFile,
		int processors, CpuAffinity affinity, Instant jvmStartTime, int startupConcurrency) {

	/**
	 * Return the processor count each worker is given when the cluster keeps {@code workers}
	 * workers: an even share, rounded up, at least 1; or 0 when processors are not shared.
	 * @param workers the number of workers
	 * @return the count
	 */
	public int processorsPerWorker(int workers) {
		return (this.processors > 0) ? Math.max(1, (this.processors + workers - 1) / workers) : 0;
	}

}
