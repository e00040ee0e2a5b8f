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
 * @param shareMemory whether each worker's heap is limited to its share of the memory
 * @author cluster-spring-boot-starter
 */
public record PrimaryOptions(int workers, Integer port, Integer managementPort, String logFile,
		int processors, CpuAffinity affinity, Instant jvmStartTime, int startupConcurrency,
		boolean shareMemory) {

	/**
	 * The part of the memory that all workers' heaps together may take, in percent: the other
	 * half stays for what each JVM needs beside its heap (metaspace, code, threads, collector),
	 * the primary and the operating system.
	 */
	static final double HEAPS_PERCENTAGE = 50;

	/** The JVM's own default heap limit, in percent of the memory, which no worker exceeds. */
	static final double JVM_DEFAULT_PERCENTAGE = 25;

	/**
	 * Return the processor count each worker is given when the cluster keeps {@code workers}
	 * workers: an even share, rounded up, at least 1; or 0 when processors are not shared.
	 * @param workers the number of workers
	 * @return the count
	 */
	public int processorsPerWorker(int workers) {
		return (this.processors > 0) ? Math.max(1, (this.processors + workers - 1) / workers) : 0;
	}

	/**
	 * Return the heap limit each worker is given when the cluster keeps {@code workers} workers,
	 * as {@code -XX:MaxRAMPercentage}: {@value #HEAPS_PERCENTAGE} % of the memory divided between
	 * them, at most the JVM's default of {@value #JVM_DEFAULT_PERCENTAGE} %, rounded down to a
	 * tenth; or 0 when memory is not shared. The JVM applies the percentage to the container's
	 * memory limit when there is one.
	 * @param workers the number of workers
	 * @return the percentage, or 0
	 */
	public double maxRamPercentagePerWorker(int workers) {
		if (!this.shareMemory) {
			return 0;
		}
		double share = Math.min(JVM_DEFAULT_PERCENTAGE, HEAPS_PERCENTAGE / Math.max(1, workers));
		return Math.max(0.1, Math.floor(share * 10) / 10);
	}

	/**
	 * Return what a worker is given when the cluster keeps {@code workers} workers.
	 * @param workers the number of workers
	 * @param cpus the processors to pin it to, or {@code null}
	 * @return the sizing
	 */
	public WorkerCommand.Sizing sizing(int workers, String cpus) {
		return new WorkerCommand.Sizing(processorsPerWorker(workers), cpus, maxRamPercentagePerWorker(workers), false);
	}

}
