package io.clusterstarter.resources;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The memory this JVM may use, as the JVM itself sizes its heap from it: the memory limit of
 * its container (cgroup v1 or v2) when there is one, else the machine's memory. Workers are in
 * the primary's cgroup, so they see the same limit.
 *
 * @param bytes the memory in bytes
 * @param container whether a container's limit is below the machine's memory
 * @author cluster-spring-boot-starter
 */
public record MemoryLimit(long bytes, boolean container) {

	private static final Path MEMINFO = Path.of("/proc/meminfo");

	/**
	 * Read the memory this JVM sees.
	 * @return the limit
	 */
	public static MemoryLimit ofThisJvm() {
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		// Container-aware since JDK 14: the cgroup's limit when the JVM runs under one
		long total = (os instanceof com.sun.management.OperatingSystemMXBean memory) ? memory.getTotalMemorySize()
				: Runtime.getRuntime().maxMemory() * 4;
		long machine = machineMemory();
		return new MemoryLimit(total, machine > 0 && total < machine);
	}

	private static long machineMemory() {
		try {
			for (String line : Files.readAllLines(MEMINFO)) {
				if (line.startsWith("MemTotal:")) {
					String[] parts = line.substring(9).trim().split("\\s+");
					return Long.parseLong(parts[0]) * 1024;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Not Linux
		}
		return -1;
	}

	/**
	 * Describe the limit for a log line: {@code the 2.0 GiB memory limit of this container}.
	 * @return the description
	 */
	public String describe() {
		return this.container ? "the " + format(this.bytes) + " memory limit of this container"
				: "the machine's " + format(this.bytes) + " of memory";
	}

	/**
	 * Format a size for people: {@code 512 MiB}, {@code 1.5 GiB}.
	 * @param bytes the size
	 * @return the text
	 */
	public static String format(long bytes) {
		if (bytes >= (1L << 30)) {
			return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
		}
		return (bytes >> 20) + " MiB";
	}

}
