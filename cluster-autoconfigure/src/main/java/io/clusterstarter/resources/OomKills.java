package io.clusterstarter.resources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Tells a worker the kernel's out-of-memory killer ended from one killed with {@code kill -9}:
 * both end the process by SIGKILL, so its exit code alone cannot. The kernel counts the OOM
 * kills of each memory cgroup, and the workers are in the primary's: {@code memory.events}
 * ({@code oom_kill}) on cgroup v2, {@code memory.oom_control} ({@code oom_kill}) on cgroup v1,
 * and {@code /proc/vmstat} ({@code oom_kill}, the whole machine's) where neither can be read. A
 * worker that exits by SIGKILL while the count has grown past the kills already accounted for
 * was killed for memory. The kernel counts the kill before it sends the signal, so the count
 * has grown by the time the primary sees the exit.
 *
 * @author cluster-spring-boot-starter
 */
public final class OomKills {

	private static final Log logger = LogFactory.getLog(OomKills.class);

	/**
	 * The {@code oom_score_adj} each worker gets: when the memory runs out, the kernel's OOM
	 * killer ends a worker, which the primary replaces and reports, rather than the primary,
	 * whose end would take every worker with it, unexplained.
	 */
	static final int WORKER_SCORE_ADJUSTMENT = 500;

	private final Path counter;

	private long accounted;

	OomKills(Path counter) {
		this.counter = counter;
		this.accounted = (counter != null) ? Math.max(0, read(counter)) : 0;
	}

	/**
	 * Find the counter of this process's memory cgroup.
	 * @return the OOM kills, never {@code null}; on a system without a readable counter,
	 * {@link #claim()} is always {@code false}
	 */
	public static OomKills ofThisProcess() {
		Path counter = CgroupFiles.ofThisProcess().oomKillCounter();
		if (counter == null) {
			logger.debug("No out-of-memory kill counter is readable: an OOM kill is reported as a SIGKILL");
		}
		return new OomKills(counter);
	}

	/**
	 * Keep the kernel's OOM killer off the primary where this process may ({@code root} with
	 * {@code CAP_SYS_RESOURCE}): its end would take every worker with it, unexplained, and it
	 * uses little memory of its own. Without it, the kernel may kill the primary right after a
	 * worker, while the worker's memory is still being freed. Elsewhere nothing changes, and the
	 * workers' raised score still puts them first.
	 */
	public static void protectThisProcess() {
		try {
			Files.writeString(Path.of("/proc/self/oom_score_adj"), "-1000");
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("The primary's OOM score stays as it is (not permitted to lower it)", ex);
		}
	}

	/**
	 * Make a worker (or a training run) the OOM killer's choice before the primary, by raising
	 * its {@code oom_score_adj}, which any process may do for its own user's children; a value
	 * inherited from the primary's protection is replaced.
	 * @param pid the child's pid
	 */
	public static void preferAsVictim(long pid) {
		try {
			Files.writeString(Path.of("/proc", String.valueOf(pid), "oom_score_adj"),
					String.valueOf(WORKER_SCORE_ADJUSTMENT));
		}
		catch (IOException | RuntimeException ex) {
			// Not Linux, or gone already: the kernel picks by size alone
			logger.debug("Could not raise the OOM score of process " + pid, ex);
		}
	}

	/**
	 * Return where the kills are counted.
	 * @return the file, or {@code null} when none can be read
	 */
	public Path counter() {
		return this.counter;
	}

	/**
	 * A worker exited by SIGKILL that the primary did not kill: decide whether the kernel's
	 * OOM killer did, and account for that kill so that it explains only one exit.
	 * @return whether the count has grown past the kills already accounted for
	 */
	public synchronized boolean claim() {
		if (this.counter == null) {
			return false;
		}
		long count = read(this.counter);
		if (count > this.accounted) {
			this.accounted++;
			return true;
		}
		return false;
	}

	/**
	 * Read the {@code oom_kill} line of a counter file.
	 * @param file {@code memory.events}, {@code memory.oom_control} or {@code /proc/vmstat}
	 * @return the count, or -1 when it cannot be read
	 */
	static long read(Path file) {
		try {
			List<String> lines = Files.readAllLines(file);
			for (String line : lines) {
				if (line.startsWith("oom_kill ")) {
					return Long.parseLong(line.substring(9).trim());
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Gone or unreadable: no kill can be told apart
		}
		return -1;
	}

}
