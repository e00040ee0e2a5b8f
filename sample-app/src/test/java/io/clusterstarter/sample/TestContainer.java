package io.clusterstarter.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * What a container runtime does to a JVM, on this machine: a cgroup v1 memory limit (and, when
 * asked, a processor limit) that the primary and everything it starts run under (the JVM reads
 * them as a container's), and, when asked, a PID namespace of their own in which the primary is
 * PID 1. Needs root, cgroup v1's
 * memory controller and {@code unshare}; {@code .ci/run} checks all three.
 */
final class TestContainer implements AutoCloseable {

	private static final Path MEMORY_CONTROLLER = Path.of("/sys/fs/cgroup/memory");

	private static final Path CPU_CONTROLLER = Path.of("/sys/fs/cgroup/cpu");

	/** The memory cgroup, the one that tells whether anything is left. */
	private final Path cgroup;

	/** The CPU cgroup, or {@code null} without a processor limit. */
	private final Path cpuCgroup;

	private TestContainer(Path cgroup, Path cpuCgroup) {
		this.cgroup = cgroup;
		this.cpuCgroup = cpuCgroup;
	}

	/**
	 * Create a cgroup with a memory limit.
	 * @param memoryLimit the limit in bytes
	 * @return the container, to be closed once its processes are gone
	 */
	static TestContainer withMemoryLimit(long memoryLimit) throws IOException {
		Path cgroup = Files.createDirectory(MEMORY_CONTROLLER.resolve("cluster-it-" + UUID.randomUUID()));
		Files.writeString(cgroup.resolve("memory.limit_in_bytes"), String.valueOf(memoryLimit));
		// No swap here; where there is, the limit must hold for memory and swap together
		Path memsw = cgroup.resolve("memory.memsw.limit_in_bytes");
		if (Files.exists(memsw)) {
			Files.writeString(memsw, String.valueOf(memoryLimit));
		}
		return new TestContainer(cgroup, null);
	}

	/**
	 * Create cgroups with a memory limit and a processor limit (a CFS quota, as a container
	 * runtime sets for {@code limits.cpu}), which the JVM reads as a container's.
	 * @param memoryLimit the limit in bytes
	 * @param processors the processors, such as 2 or 0.5
	 * @return the container, to be closed once its processes are gone
	 */
	static TestContainer withLimits(long memoryLimit, double processors) throws IOException {
		TestContainer memory = withMemoryLimit(memoryLimit);
		Path cpu = Files.createDirectory(CPU_CONTROLLER.resolve(memory.cgroup.getFileName()));
		long period = Long.parseLong(Files.readString(cpu.resolve("cpu.cfs_period_us")).strip());
		Files.writeString(cpu.resolve("cpu.cfs_quota_us"), String.valueOf(Math.round(processors * period)));
		return new TestContainer(memory.cgroup, cpu);
	}

	/**
	 * Return what runs a command inside the container: a shell that moves itself into the
	 * cgroup and executes the rest, so that the command and all it starts are in it.
	 * @param pidNamespace whether the command runs as PID 1 of a PID namespace of its own (with
	 * its own {@code /proc}), as in a container; killed with its namespace if {@code unshare}
	 * dies
	 * @return the command's prefix
	 */
	List<String> prefix(boolean pidNamespace) {
		String join = "echo $$ > " + this.cgroup.resolve("cgroup.procs")
				+ ((this.cpuCgroup != null) ? " && echo $$ > " + this.cpuCgroup.resolve("cgroup.procs") : "");
		List<String> prefix = new ArrayList<>(List.of("sh", "-c", join + " && exec \"$@\"", "sh"));
		if (pidNamespace) {
			prefix.addAll(List.of("unshare", "--pid", "--fork", "--kill-child", "--mount-proc"));
		}
		return prefix;
	}

	/**
	 * Return the pid on this host of a process that has another pid in its own namespace.
	 * @param root a process above it, in this host's namespace
	 * @param namespacePid its pid in the namespace
	 * @return the host's pid
	 */
	static long hostPid(ProcessHandle root, long namespacePid) {
		for (ProcessHandle descendant : root.descendants().toList()) {
			try {
				for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(descendant.pid()), "status"))) {
					String[] pids = line.startsWith("NSpid:") ? line.substring(6).trim().split("\\s+") : new String[0];
					if (pids.length > 1 && Long.parseLong(pids[pids.length - 1]) == namespacePid) {
						return Long.parseLong(pids[0]);
					}
				}
			}
			catch (IOException ex) {
				// Gone meanwhile
			}
		}
		throw new IllegalStateException("No process below " + root.pid() + " has pid " + namespacePid
				+ " in its namespace");
	}

	/**
	 * Return whether a process is still in the cgroup.
	 * @return whether the cgroup holds a process
	 */
	boolean isOccupied() throws IOException {
		return !Files.readString(this.cgroup.resolve("cgroup.procs")).isBlank();
	}

	/** Kill whatever is left in the cgroup, and remove it. */
	@Override
	public void close() throws IOException {
		for (String pid : Files.readAllLines(this.cgroup.resolve("cgroup.procs"))) {
			if (!pid.isBlank()) {
				ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
			}
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> !isOccupied());
		Files.delete(this.cgroup);
		if (this.cpuCgroup != null) {
			Files.delete(this.cpuCgroup);
		}
	}

}
