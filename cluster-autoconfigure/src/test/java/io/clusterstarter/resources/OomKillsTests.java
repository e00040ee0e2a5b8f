package io.clusterstarter.resources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OomKills} and {@link CgroupFiles}: finding a memory cgroup's OOM kill count,
 * and accounting for each kill once.
 */
class OomKillsTests {

	@TempDir
	Path directory;

	@Test
	void eachKillTheCounterShowsExplainsOneExit() throws IOException {
		Path counter = this.directory.resolve("memory.oom_control");
		Files.writeString(counter, "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
		OomKills kills = new OomKills(counter);
		assertThat(kills.claim()).as("the kills before the primary started explain nothing").isFalse();
		Files.writeString(counter, "oom_kill_disable 0\nunder_oom 0\noom_kill 5\n");
		assertThat(kills.claim()).isTrue();
		assertThat(kills.claim()).isTrue();
		assertThat(kills.claim()).as("a kill -9 after them").isFalse();
	}

	@Test
	void withoutACounterNoExitIsAnOomKill() {
		assertThat(new OomKills(null).claim()).isFalse();
		assertThat(new OomKills(this.directory.resolve("missing")).claim()).isFalse();
	}

	@Test
	void cgroupV1MemoryDirectoryIsFoundUnderItsMount() {
		CgroupFiles files = CgroupFiles.of(List.of("4:memory:/process_api/abc", "3:cpuset:/", "0::/"), List.of(
				"30 25 0:26 / /sys/fs/cgroup/memory rw,relatime shared:12 - cgroup cgroup rw,memory",
				"31 25 0:27 / /sys/fs/cgroup/cpuset rw,relatime shared:13 - cgroup cgroup rw,cpuset",
				"35 25 0:31 / /sys/fs/cgroup/unified rw,relatime shared:17 - cgroup2 cgroup2 rw"));
		assertThat(files.memoryV1()).isEqualTo(Path.of("/sys/fs/cgroup/memory/process_api/abc"));
		assertThat(files.unified()).isEqualTo(Path.of("/sys/fs/cgroup/unified"));
	}

	@Test
	void cgroupV2DirectoryOfAContainerIsItsMountsRoot() {
		CgroupFiles files = CgroupFiles.of(List.of("0::/"),
				List.of("1090 1081 0:30 / /sys/fs/cgroup ro,nosuid - cgroup2 cgroup rw,nsdelegate"));
		assertThat(files.unified()).isEqualTo(Path.of("/sys/fs/cgroup"));
		assertThat(files.memoryV1()).isNull();
		CgroupFiles nested = CgroupFiles.of(List.of("0::/kubepods/pod1/abc"),
				List.of("1090 1081 0:30 /kubepods/pod1 /sys/fs/cgroup ro,nosuid - cgroup2 cgroup rw"));
		assertThat(nested.unified()).isEqualTo(Path.of("/sys/fs/cgroup/abc"));
	}

	@Test
	void thisProcessHasACounterOnLinux() {
		assertThat(OomKills.ofThisProcess().counter()).isNotNull();
	}

}
