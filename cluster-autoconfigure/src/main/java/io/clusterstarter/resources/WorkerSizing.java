package io.clusterstarter.resources;

import java.util.List;
import java.util.Map;

import io.clusterstarter.ClusterSnapshot;

/**
 * What one worker JVM is given, as {@link WorkerShares} decided it at its fork: the options the
 * cluster adds to its command line, the options variables it rewrites for it, and where its heap
 * and processor settings come from.
 *
 * @param options JVM options added to the worker's command line, after the user's
 * @param variables options variables ({@code JAVA_TOOL_OPTIONS} …) set to another value in the
 * worker's environment: their heap and processor options replaced by the worker's share
 * @param heap where the worker's heap limit comes from
 * @param maxHeap the worker's heap limit in bytes, as its JVM computes it
 * @param processors where the worker's processor count comes from
 * @param processorCount the processors the worker's JVM sizes itself for
 * @author cluster-spring-boot-starter
 */
public record WorkerSizing(List<String> options, Map<String, String> variables, Setting heap, long maxHeap,
		Setting processors, int processorCount) {

	public WorkerSizing {
		options = List.copyOf(options);
		variables = Map.copyOf(variables);
	}

	/**
	 * Where one setting comes from.
	 * @param option the option in effect, or {@code null} for the JVM's default
	 * @param source where it comes from: {@link OptionSource#CLUSTER} when the cluster set it
	 * @param replaces the option of an options variable that the cluster's share replaces, with
	 * its variable, or {@code null}
	 */
	public record Setting(String option, OptionSource source, String replaces) {

		/**
		 * Describe the setting for a log line: {@code -Xmx512m, the cluster's share of
		 * -Xmx1428M (JAVA_TOOL_OPTIONS)}.
		 * @return the description
		 */
		public String describe() {
			if (this.option == null) {
				return this.source.toString();
			}
			if (this.source == OptionSource.CLUSTER) {
				return this.option + ", " + this.source + ((this.replaces != null) ? " of " + this.replaces : "");
			}
			return this.option + " from " + this.source;
		}

	}

	/**
	 * Return the share of the memory the cluster gives the heap as {@code -XX:MaxRAMPercentage},
	 * when it does.
	 * @return the percentage, or {@code null}
	 */
	public Double maxRamPercentage() {
		String option = this.heap.option();
		return (this.heap.source() == OptionSource.CLUSTER && option != null && HeapOptions.isMaxPercentage(option))
				? HeapOptions.number(option) : null;
	}

	/**
	 * Describe the worker's heap for a log line: {@code 512 MiB of heap (-Xmx512m, the
	 * cluster's share of -Xmx1428M (JAVA_TOOL_OPTIONS))}.
	 * @return the description
	 */
	public String describeHeap() {
		return MemoryLimit.format(this.maxHeap) + " of heap (" + this.heap.describe() + ")";
	}

	/**
	 * Describe the sizing for {@code /actuator/cluster}.
	 * @return the snapshot
	 */
	public ClusterSnapshot.Sizing snapshot() {
		return new ClusterSnapshot.Sizing(
				new ClusterSnapshot.HeapSizing(this.maxHeap, this.heap.option(), this.heap.source().tag(),
						this.heap.replaces()),
				new ClusterSnapshot.ProcessorSizing(this.processorCount, this.processors.option(),
						this.processors.source().tag(), this.processors.replaces()));
	}

}
