package io.clusterstarter.resources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Where this process's memory cgroup keeps its files: the cgroup named in
 * {@code /proc/self/cgroup} ({@code N:memory:/path} on cgroup v1, {@code 0::/path} on v2), under
 * the mount point of its hierarchy in {@code /proc/self/mountinfo}. Inside a container the
 * mount's own root is the container's cgroup, which the path is relative to.
 *
 * @param memoryV1 the cgroup v1 memory directory, or {@code null}
 * @param unified the cgroup v2 directory, or {@code null}
 * @author cluster-spring-boot-starter
 */
record CgroupFiles(Path memoryV1, Path unified) {

	private static final Path VMSTAT = Path.of("/proc/vmstat");

	static CgroupFiles ofThisProcess() {
		try {
			return of(Files.readAllLines(Path.of("/proc/self/cgroup")),
					Files.readAllLines(Path.of("/proc/self/mountinfo")));
		}
		catch (IOException | RuntimeException ex) {
			return new CgroupFiles(null, null);
		}
	}

	/**
	 * Find the directories from the two files' lines.
	 * @param cgroups the lines of {@code /proc/self/cgroup}
	 * @param mounts the lines of {@code /proc/self/mountinfo}
	 * @return the directories, those not found {@code null}
	 */
	static CgroupFiles of(List<String> cgroups, List<String> mounts) {
		Path memory = null;
		Path unified = null;
		for (String line : cgroups) {
			String[] parts = line.split(":", 3);
			if (parts.length < 3) {
				continue;
			}
			if (Arrays.asList(parts[1].split(",")).contains("memory")) {
				memory = directory(mounts, "cgroup", "memory", parts[2]);
			}
			else if (parts[0].equals("0") && parts[1].isEmpty()) {
				unified = directory(mounts, "cgroup2", null, parts[2]);
			}
		}
		return new CgroupFiles(memory, unified);
	}

	private static Path directory(List<String> mounts, String type, String option, String cgroup) {
		for (String mount : mounts) {
			int separator = mount.indexOf(" - ");
			if (separator < 0) {
				continue;
			}
			String[] before = mount.substring(0, separator).split(" ");
			String[] after = mount.substring(separator + 3).split(" ");
			if (before.length < 5 || after.length < 3 || !after[0].equals(type)
					|| (option != null && !Arrays.asList(after[2].split(",")).contains(option))) {
				continue;
			}
			String root = before[3];
			Path mountPoint = Path.of(before[4]);
			if (root.equals("/")) {
				return mountPoint.resolve(cgroup.substring(1));
			}
			if (cgroup.startsWith(root)) {
				String relative = cgroup.substring(root.length());
				return relative.isEmpty() ? mountPoint : mountPoint.resolve(relative.substring(1));
			}
			return mountPoint;
		}
		return null;
	}

	/**
	 * Return the file that counts this cgroup's OOM kills, or the machine's where the cgroup's
	 * cannot be read.
	 * @return the file, or {@code null} when none is readable
	 */
	Path oomKillCounter() {
		for (Path candidate : new Path[] { (this.unified != null) ? this.unified.resolve("memory.events") : null,
				(this.memoryV1 != null) ? this.memoryV1.resolve("memory.oom_control") : null, VMSTAT }) {
			if (candidate != null && OomKills.read(candidate) >= 0) {
				return candidate;
			}
		}
		return null;
	}

}
