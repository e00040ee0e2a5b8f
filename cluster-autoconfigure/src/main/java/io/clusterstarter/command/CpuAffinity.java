package io.clusterstarter.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Splits the processors the primary may run on between worker slots, for
 * {@code cluster.cpu-affinity=spread}. With one JVM per core, each worker's threads stay on their
 * own core instead of being switched with another JVM's, which costs a multi-threaded JVM far more
 * than it costs a single-threaded Node process.
 *
 * @author cluster-spring-boot-starter
 */
public final class CpuAffinity {

	private static final Path STATUS = Path.of("/proc/self/status");

	private final List<Integer> cpus;

	private CpuAffinity(List<Integer> cpus) {
		this.cpus = cpus;
	}

	/**
	 * Read the processors this process may run on (its cpuset in a container).
	 * @return the affinity, or {@code null} where Linux's {@code /proc} is not available
	 */
	public static CpuAffinity ofCurrentProcess() {
		try {
			for (String line : Files.readAllLines(STATUS)) {
				if (line.startsWith("Cpus_allowed_list:")) {
					return new CpuAffinity(parse(line.substring(line.indexOf(':') + 1).trim()));
				}
			}
		}
		catch (IOException ex) {
			// Not Linux
		}
		return null;
	}

	static CpuAffinity of(List<Integer> cpus) {
		return new CpuAffinity(List.copyOf(cpus));
	}

	/**
	 * Parse a Linux CPU list such as {@code 0-3,6,8-9}.
	 * @param list the list
	 * @return the CPU numbers
	 */
	static List<Integer> parse(String list) {
		List<Integer> cpus = new ArrayList<>();
		for (String part : list.split(",")) {
			String range = part.trim();
			if (range.isEmpty()) {
				continue;
			}
			int dash = range.indexOf('-');
			int from = Integer.parseInt((dash < 0) ? range : range.substring(0, dash));
			int to = (dash < 0) ? from : Integer.parseInt(range.substring(dash + 1));
			for (int cpu = from; cpu <= to; cpu++) {
				cpus.add(cpu);
			}
		}
		return cpus;
	}

	/**
	 * Return the processors for one slot, as a {@code taskset} CPU list: the processors are cut
	 * into {@code workers} contiguous groups; with more workers than processors, slots share them
	 * round-robin.
	 * @param slot the worker's slot
	 * @param workers the configured number of workers
	 * @return the CPU list
	 */
	public String forSlot(int slot, int workers) {
		int count = this.cpus.size();
		if (workers >= count) {
			return String.valueOf(this.cpus.get(slot % count));
		}
		int group = slot % workers;
		int from = group * count / workers;
		int to = (group + 1) * count / workers;
		return this.cpus.subList(from, to).stream().map(String::valueOf).collect(Collectors.joining(","));
	}

}
