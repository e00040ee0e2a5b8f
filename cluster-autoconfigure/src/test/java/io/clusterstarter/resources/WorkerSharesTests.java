package io.clusterstarter.resources;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerShares}: what each worker gets of the memory and processors, and where
 * its settings come from.
 */
class WorkerSharesTests {

	private static final long GIB = 1L << 30;

	private static final long MIB = 1L << 20;

	/** What Paketo's memory calculator and processor helper put in a 2 GiB, 2-processor container. */
	private static final String BUILDPACK = "-XX:ActiveProcessorCount=2 -XX:MaxDirectMemorySize=10M -Xmx1428M "
			+ "-XX:MaxMetaspaceSize=120M -XX:ReservedCodeCacheSize=240M -Xss1M";

	private static final MemoryLimit CONTAINER = new MemoryLimit(2 * GIB, true);

	@Test
	void workersShareHalfTheMemoryAndNoneGetsMoreThanTheJvmDefault() {
		assertThat(WorkerShares.maxRamPercentage(1)).isEqualTo(25.0);
		assertThat(WorkerShares.maxRamPercentage(2)).isEqualTo(25.0);
		assertThat(WorkerShares.maxRamPercentage(3)).isEqualTo(16.6);
		assertThat(WorkerShares.maxRamPercentage(4)).isEqualTo(12.5);
		assertThat(WorkerShares.maxRamPercentage(8)).isEqualTo(6.2);
		assertThat(WorkerShares.maxRamPercentage(1000)).isEqualTo(0.1);
	}

	@Test
	void nothingSetGetsTheClustersShareOnTheCommandLine() {
		WorkerSizing sizing = shares(Map.of(), List.of(), true, true).forWorkers(4, null);
		assertThat(sizing.options()).containsExactly("-XX:MaxRAMPercentage=12.5", "-XX:ActiveProcessorCount=1");
		assertThat(sizing.variables()).isEmpty();
		assertThat(sizing.heap().source()).isEqualTo(OptionSource.CLUSTER);
		assertThat(sizing.maxHeap()).isEqualTo(256 * MIB);
		assertThat(sizing.maxRamPercentage()).isEqualTo(12.5);
		assertThat(sizing.processorCount()).isEqualTo(1);
	}

	@Test
	void buildpackOptionsSizedForOneJvmAreReplacedByEachWorkersShareInItsOwnVariable() {
		WorkerShares shares = shares(Map.of("JAVA_TOOL_OPTIONS", BUILDPACK), List.of(), true, true);
		WorkerSizing sizing = shares.forWorkers(2, null);
		assertThat(sizing.options()).isEmpty();
		assertThat(sizing.variables()).containsExactly(Map.entry("JAVA_TOOL_OPTIONS",
				"-XX:ActiveProcessorCount=1 -XX:MaxDirectMemorySize=10M -Xmx512m -XX:MaxMetaspaceSize=120M "
						+ "-XX:ReservedCodeCacheSize=240M -Xss1M"));
		assertThat(sizing.heap()).isEqualTo(
				new WorkerSizing.Setting("-Xmx512m", OptionSource.CLUSTER, "-Xmx1428M (JAVA_TOOL_OPTIONS)"));
		assertThat(sizing.maxHeap()).isEqualTo(512 * MIB);
		assertThat(sizing.processors()).isEqualTo(new WorkerSizing.Setting("-XX:ActiveProcessorCount=1",
				OptionSource.CLUSTER, "-XX:ActiveProcessorCount=2 (JAVA_TOOL_OPTIONS)"));
		assertThat(sizing.snapshot().heap().source()).isEqualTo("cluster");
		assertThat(sizing.snapshot().heap().replaces()).isEqualTo("-Xmx1428M (JAVA_TOOL_OPTIONS)");
		assertThat(shares.notes(2, List.of())).singleElement().satisfies((note) -> {
			assertThat(note.warning()).isFalse();
			assertThat(note.text()).isEqualTo("The workers' heap and processors come from -Xmx1428M (JAVA_TOOL_OPTIONS) "
					+ "and -XX:ActiveProcessorCount=2 (JAVA_TOOL_OPTIONS), sized for one JVM: each of the 2 workers gets "
					+ "its share of the 2.0 GiB memory limit of this container and of 2 processors instead, -Xmx512m "
					+ "-XX:ActiveProcessorCount=1 (all heaps together at most 50 % of the memory). Set them in "
					+ "cluster.exec-argv to choose them yourself, or turn the shares off with cluster.share-memory=false "
					+ "or cluster.share-processors=false.");
		});
	}

	@Test
	void aShareOfTheMemoryStaysAShareAndAnInitialHeapAboveTheNewLimitIsLowered() {
		WorkerSizing percentage = shares(Map.of("JDK_JAVA_OPTIONS", "-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=50"),
				List.of(), true, true)
			.forWorkers(4, null);
		assertThat(percentage.variables()).containsEntry("JDK_JAVA_OPTIONS",
				"-XX:MaxRAMPercentage=12.5 -XX:InitialRAMPercentage=12.5");
		assertThat(percentage.maxRamPercentage()).isEqualTo(12.5);
		WorkerSizing bytes = shares(Map.of("_JAVA_OPTIONS", "-Xms1g -Xmx1g"), List.of(), true, true).forWorkers(4, null);
		assertThat(bytes.variables()).containsEntry("_JAVA_OPTIONS", "-Xms256m -Xmx256m");
	}

	@Test
	void aMemoryConsideredIsCappedWithAHeapLimitInTheSameVariable() {
		WorkerSizing sizing = shares(Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxRAM=8g"), List.of(), true, true).forWorkers(2,
				null);
		// 25 % of the 2 GiB the JVM sees is 512 MiB, which is already each worker's share
		assertThat(sizing.variables()).isEmpty();
		WorkerSizing four = shares(Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxRAM=8g"), List.of(), true, true).forWorkers(4,
				null);
		assertThat(four.variables()).containsEntry("JAVA_TOOL_OPTIONS", "-XX:MaxRAM=8g -Xmx256m");
	}

	@Test
	void aVariableThatAlreadyFitsIsKept() {
		WorkerSizing sizing = shares(Map.of("JAVA_TOOL_OPTIONS", "-Xmx256m -XX:ActiveProcessorCount=1"), List.of(), true,
				true)
			.forWorkers(2, null);
		assertThat(sizing.variables()).isEmpty();
		assertThat(sizing.options()).isEmpty();
		assertThat(sizing.heap()).isEqualTo(new WorkerSizing.Setting("-Xmx256m", OptionSource.JAVA_TOOL_OPTIONS, null));
		assertThat(sizing.processors().source()).isEqualTo(OptionSource.JAVA_TOOL_OPTIONS);
	}

	@Test
	void theUsersOwnSizingIsKeptAndItsSourceShown() {
		WorkerShares shares = shares(Map.of("JAVA_TOOL_OPTIONS", BUILDPACK), List.of("-Xmx768m"), true, true);
		WorkerSizing commandLine = shares.forWorkers(2, null);
		assertThat(commandLine.heap()).isEqualTo(new WorkerSizing.Setting("-Xmx768m", OptionSource.COMMAND_LINE, null));
		assertThat(commandLine.maxHeap()).isEqualTo(768 * MIB);
		WorkerSizing execArgv = shares.forWorkers(2, List.of("-Xmx600m", "-XX:ActiveProcessorCount=2"));
		assertThat(execArgv.heap().source()).isEqualTo(OptionSource.EXEC_ARGV);
		assertThat(execArgv.processors().source()).isEqualTo(OptionSource.EXEC_ARGV);
		assertThat(execArgv.processorCount()).isEqualTo(2);
		assertThat(execArgv.variables()).isEmpty();
		assertThat(execArgv.options()).isEmpty();
	}

	@Test
	void sharesTurnedOffKeepWhatTheJvmWouldUse() {
		WorkerSizing sizing = shares(Map.of("JAVA_TOOL_OPTIONS", BUILDPACK), List.of(), false, false).forWorkers(2, null);
		assertThat(sizing.options()).isEmpty();
		assertThat(sizing.variables()).isEmpty();
		assertThat(sizing.maxHeap()).isEqualTo(1428 * MIB);
		assertThat(sizing.heap().source()).isEqualTo(OptionSource.JAVA_TOOL_OPTIONS);
		WorkerSizing plain = shares(Map.of(), List.of(), false, false).forWorkers(2, null);
		assertThat(plain.heap().source()).isEqualTo(OptionSource.JVM_DEFAULT);
		assertThat(plain.maxHeap()).isEqualTo(512 * MIB);
		assertThat(plain.processorCount()).isEqualTo(2);
	}

	@Test
	void workersWhoseHeapsDoNotFitTheMemoryAreWarnedAboutWithTheFigures() {
		WorkerShares shares = shares(Map.of(), List.of(), true, true);
		assertThat(shares.notes(2, List.of("-Xmx1g"))).singleElement().satisfies((note) -> {
			assertThat(note.warning()).isTrue();
			assertThat(note.text()).isEqualTo("The workers need about 2.5 GiB, more than the 2.0 GiB memory limit of "
					+ "this container: 2 workers × (1.0 GiB of heap (-Xmx1g from cluster.exec-argv) + about 200 MiB "
					+ "beside the heap) + about 128 MiB for the primary. The kernel's OOM killer ends workers that grow "
					+ "into the limit: lower cluster.workers or each worker's heap (cluster.exec-argv), or give the "
					+ "cluster more memory.");
		});
		// The cluster's own share fits two workers, and eight only with room to spare for none
		assertThat(shares.notes(2, List.of())).isEmpty();
		assertThat(shares.notes(8, List.of())).singleElement().satisfies((note) -> assertThat(note.text())
			.contains("8 workers × (126 MiB of heap (-XX:MaxRAMPercentage=6.2, the cluster's share) + about 200 MiB"));
	}

	private static WorkerShares shares(Map<String, String> environment, List<String> commandLine, boolean memory,
			boolean processors) {
		return new WorkerShares(CONTAINER, 2, memory, processors, environment, commandLine);
	}

}
