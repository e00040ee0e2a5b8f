package io.clusterstarter.command;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CpuAffinity}.
 */
class CpuAffinityTests {

	@Test
	void parsesLinuxCpuLists() {
		assertThat(CpuAffinity.parse("0-3,6,8-9")).containsExactly(0, 1, 2, 3, 6, 8, 9);
		assertThat(CpuAffinity.parse("5")).containsExactly(5);
	}

	@Test
	void oneWorkerPerCpuGetsOneCpuEach() {
		CpuAffinity affinity = CpuAffinity.of(List.of(0, 1));
		assertThat(affinity.forSlot(0, 2)).isEqualTo("0");
		assertThat(affinity.forSlot(1, 2)).isEqualTo("1");
	}

	@Test
	void fewerWorkersThanCpusGetContiguousGroups() {
		CpuAffinity affinity = CpuAffinity.of(List.of(2, 3, 4, 5, 6, 7));
		assertThat(affinity.forSlot(0, 2)).isEqualTo("2,3,4");
		assertThat(affinity.forSlot(1, 2)).isEqualTo("5,6,7");
		assertThat(affinity.forSlot(0, 4)).isEqualTo("2");
		assertThat(affinity.forSlot(1, 4)).isEqualTo("3,4");
	}

	@Test
	void moreWorkersThanCpusShareThemRoundRobin() {
		CpuAffinity affinity = CpuAffinity.of(List.of(0, 1));
		assertThat(affinity.forSlot(2, 3)).isEqualTo("0");
		assertThat(affinity.forSlot(1, 3)).isEqualTo("1");
	}

	@Test
	void slotsBeyondTheConfiguredCountWrapAround() {
		CpuAffinity affinity = CpuAffinity.of(List.of(0, 1, 2, 3));
		assertThat(affinity.forSlot(2, 2)).isEqualTo(affinity.forSlot(0, 2));
	}

}
