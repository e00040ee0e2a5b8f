package io.clusterstarter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A process's memory as Linux's {@code /proc} tells it: resident memory (RSS), proportional
 * memory (PSS), which divides each shared page between the processes that map it so that the
 * figures of a cluster's processes add up to what they cost together, and whether a file is
 * mapped. Every answer is {@code null} where {@code /proc} is not available.
 *
 * @author cluster-spring-boot-starter
 */
public final class ProcessMemory {

	/** The current process. */
	public static final String SELF = "self";

	private ProcessMemory() {
	}

	/**
	 * Return a process's resident memory.
	 * @param pid the pid, or {@link #SELF}
	 * @return the bytes, or {@code null} when unknown
	 */
	public static Long resident(String pid) {
		// "VmRSS:	  123456 kB"
		return kilobytes(Path.of("/proc", pid, "status"), "VmRSS:");
	}

	/**
	 * Return a process's proportional memory.
	 * @param pid the pid, or {@link #SELF}
	 * @return the bytes, or {@code null} when unknown (also before Linux 4.14, which has no
	 * {@code smaps_rollup})
	 */
	public static Long proportional(String pid) {
		return kilobytes(Path.of("/proc", pid, "smaps_rollup"), "Pss:");
	}

	/**
	 * Return whether a process maps a file, even one deleted since it was mapped.
	 * @param pid the pid
	 * @param file the file, absolute
	 * @return whether {@code /proc/<pid>/maps} lists it, or {@code null} where there is no such
	 * list to read (not Linux)
	 */
	public static Boolean maps(long pid, Path file) {
		String path = file.toAbsolutePath().normalize().toString();
		Path maps = Path.of("/proc", String.valueOf(pid), "maps");
		if (!Files.isDirectory(Path.of("/proc", "self"))) {
			return null;
		}
		try (Stream<String> lines = Files.lines(maps)) {
			return lines.anyMatch((line) -> line.endsWith(" " + path) || line.endsWith(" " + path + " (deleted)"));
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	private static Long kilobytes(Path file, String field) {
		try {
			List<String> lines = Files.readAllLines(file);
			for (String line : lines) {
				if (line.startsWith(field)) {
					String[] parts = line.substring(field.length()).trim().split("\\s+");
					return Long.parseLong(parts[0]) * 1024;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Not Linux, or /proc not mounted: unknown
		}
		return null;
	}

}
