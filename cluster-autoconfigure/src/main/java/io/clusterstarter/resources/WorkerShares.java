package io.clusterstarter.resources;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * How the workers share the host's memory and processors. Every worker is a whole JVM that
 * sizes its heap, thread pools and collector for the memory and processors it sees, which are
 * the container's, so N workers left alone would take N times what one JVM should.
 * <ul>
 * <li><b>Nothing sets it:</b> the cluster gives each worker its share on its command line:
 * {@code -XX:MaxRAMPercentage} = {@value #HEAPS_PERCENTAGE} / N (all heaps together at most
 * half the memory, the rest for what each JVM needs beside its heap, the primary and the
 * system), at most the JVM's own 25; {@code -XX:ActiveProcessorCount} = the processors / N,
 * rounded up.</li>
 * <li><b>An options variable sets it</b> ({@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS},
 * {@code _JAVA_OPTIONS}): a platform sized it for one JVM (a buildpack's memory calculator puts
 * {@code -Xmx1428M} there for a 2 GiB container), so each worker gets the smaller of that and
 * its share of the memory, and its share of the processors, written into its own copy of the
 * variable; an initial heap above the new limit is lowered with it, or the JVM would refuse to
 * start.</li>
 * <li><b>The user sets it</b> (the primary's command line, {@code cluster.exec-argv}): kept,
 * and checked against the memory limit.</li>
 * </ul>
 *
 * @author cluster-spring-boot-starter
 */
public final class WorkerShares {

	/** The part of the memory all workers' heaps together may take, in percent. */
	static final double HEAPS_PERCENTAGE = 50;

	/**
	 * What a worker JVM commits beside its heap, for the check against the memory limit:
	 * metaspace, compiled code, thread stacks, collector and the class-data cache. The sample's
	 * workers commit about 100 MiB (native memory tracking); an application with more classes
	 * and more compiled code about twice that.
	 */
	public static final long NON_HEAP_ESTIMATE = 200L << 20;

	/** What the primary itself takes (about 100 MiB resident, measured). */
	static final long PRIMARY_ESTIMATE = 128L << 20;

	private static final String PROCESSOR_COUNT = "-XX:ActiveProcessorCount=";

	private final MemoryLimit memory;

	private final int processors;

	private final boolean shareMemory;

	private final boolean shareProcessors;

	private final Map<String, String> environment;

	private final List<String> commandLine;

	/**
	 * Create the shares.
	 * @param memory the memory the primary's JVM sees, which its workers see too
	 * @param processors the processors available to the primary's JVM
	 * @param shareMemory whether workers get their share of the memory
	 * ({@code cluster.share-memory})
	 * @param shareProcessors whether workers get their share of the processors
	 * ({@code cluster.share-processors})
	 * @param environment the environment the workers inherit
	 * @param commandLine the options of the primary's command line, without its variables'
	 */
	public WorkerShares(MemoryLimit memory, int processors, boolean shareMemory, boolean shareProcessors,
			Map<String, String> environment, List<String> commandLine) {
		this.memory = memory;
		this.processors = processors;
		this.shareMemory = shareMemory;
		this.shareProcessors = shareProcessors;
		this.environment = environment;
		this.commandLine = List.copyOf(commandLine);
	}

	/**
	 * Return the memory the workers see.
	 * @return the limit
	 */
	public MemoryLimit memory() {
		return this.memory;
	}

	/**
	 * Return the processors available to the primary, which the workers share.
	 * @return the count
	 */
	public int processors() {
		return this.processors;
	}

	/**
	 * Decide what a worker gets while the cluster keeps {@code workers} workers.
	 * @param workers the configured number of workers
	 * @param execArgv {@code cluster.exec-argv} for the worker, or {@code null}
	 * @return the worker's sizing
	 */
	public WorkerSizing forWorkers(int workers, List<String> execArgv) {
		int count = Math.max(1, workers);
		LaunchOptions options = LaunchOptions.of(this.environment, this.commandLine, execArgv);
		List<String> added = new ArrayList<>();
		List<UnaryOperator<String>> rewrites = new ArrayList<>();
		Map<String, String> appended = new LinkedHashMap<>();
		HeapOptions.Limit limit = HeapOptions.limit(options, this.memory.bytes());
		WorkerSizing.Setting heap = setting(limit.option());
		long maxHeap = limit.bytes();
		if (this.shareMemory && limit.source() == OptionSource.JVM_DEFAULT) {
			double percentage = maxRamPercentage(count);
			heap = new WorkerSizing.Setting("-XX:MaxRAMPercentage=" + percentage, OptionSource.CLUSTER, null);
			added.add(heap.option());
			maxHeap = (long) (this.memory.bytes() * percentage / 100);
		}
		else if (this.shareMemory && limit.source().isVariable()) {
			long share = (long) (this.memory.bytes() * HEAPS_PERCENTAGE / 100 / count);
			if (share < limit.bytes()) {
				String option = HeapOptions.isMaxPercentage(limit.option().value())
						? "-XX:MaxRAMPercentage=" + percentageOf(share) : "-Xmx" + Math.max(1, share >> 20) + "m";
				heap = new WorkerSizing.Setting(option, OptionSource.CLUSTER, limit.option().toString());
				maxHeap = HeapOptions.isMaxPercentage(option) ? (long) (this.memory.bytes() * HeapOptions.number(option) / 100)
						: HeapOptions.sizeOf(option);
				rewrites.add(heapRewrite(option, maxHeap));
				if (limit.option().value().startsWith("-XX:MaxRAM=")) {
					// It only sets the memory the JVM considers: a limit in bytes wins over it
					appended.put(limit.source().variable(), option);
				}
			}
		}
		LaunchOptions.Option processorOption = options.last((option) -> option.startsWith(PROCESSOR_COUNT));
		WorkerSizing.Setting processors = setting(processorOption);
		int processorCount = (processorOption != null) ? (int) HeapOptions.number(processorOption.value())
				: this.processors;
		int processorShare = Math.max(1, (this.processors + count - 1) / count);
		if (this.shareProcessors && processorOption == null) {
			processors = new WorkerSizing.Setting(PROCESSOR_COUNT + processorShare, OptionSource.CLUSTER, null);
			added.add(processors.option());
			processorCount = processorShare;
		}
		else if (this.shareProcessors && processorOption.source().isVariable() && processorShare < processorCount) {
			processors = new WorkerSizing.Setting(PROCESSOR_COUNT + processorShare, OptionSource.CLUSTER,
					processorOption.toString());
			String replacement = processors.option();
			rewrites.add((option) -> option.startsWith(PROCESSOR_COUNT) ? replacement : option);
			processorCount = processorShare;
		}
		return new WorkerSizing(added, rewriteVariables(rewrites, appended), heap, maxHeap, processors, processorCount);
	}

	/**
	 * The heap limit each worker gets when nothing sets one, as {@code -XX:MaxRAMPercentage}:
	 * half the memory divided between the workers, at most the JVM's default, rounded down to a
	 * tenth, at least a tenth.
	 */
	static double maxRamPercentage(int workers) {
		double share = Math.min(HeapOptions.JVM_DEFAULT_PERCENTAGE, HEAPS_PERCENTAGE / Math.max(1, workers));
		return Math.max(0.1, Math.floor(share * 10) / 10);
	}

	private double percentageOf(long bytes) {
		return Math.max(0.1, Math.floor(bytes * 1000.0 / this.memory.bytes()) / 10);
	}

	/**
	 * Replace the heap limit in an options variable with the worker's share, whatever kind of
	 * option set it, and lower an initial heap above it.
	 */
	private static UnaryOperator<String> heapRewrite(String share, long shareBytes) {
		return (option) -> {
			if (HeapOptions.isMaxBytes(option) || HeapOptions.isMaxPercentage(option)
					|| option.startsWith("-XX:MaxRAMFraction=")) {
				return share;
			}
			if (HeapOptions.isInitialBytes(option) && HeapOptions.sizeOf(option) > shareBytes) {
				return option.substring(0, option.startsWith("-Xms") ? 4 : option.indexOf('=') + 1)
						+ (shareBytes >> 20) + "m";
			}
			if (HeapOptions.isInitialPercentage(option) && HeapOptions.isMaxPercentage(share)
					&& HeapOptions.number(option) > HeapOptions.number(share)) {
				return "-XX:InitialRAMPercentage=" + HeapOptions.number(share);
			}
			return option;
		};
	}

	/** Each options variable with the rewrites applied and options appended, for those that change. */
	private Map<String, String> rewriteVariables(List<UnaryOperator<String>> rewrites, Map<String, String> appended) {
		Map<String, String> variables = new LinkedHashMap<>();
		if (rewrites.isEmpty()) {
			return variables;
		}
		for (String name : OptionVariables.NAMES) {
			String value = this.environment.get(name);
			List<String> options = OptionVariables.tokenize(value);
			List<String> rewritten = new ArrayList<>(options.size());
			for (String option : options) {
				String result = option;
				for (UnaryOperator<String> rewrite : rewrites) {
					result = rewrite.apply(result);
				}
				rewritten.add(result);
			}
			if (appended.containsKey(name)) {
				rewritten.add(appended.get(name));
			}
			if (!rewritten.equals(options)) {
				variables.put(name, OptionVariables.join(rewritten));
			}
		}
		return variables;
	}

	private static WorkerSizing.Setting setting(LaunchOptions.Option option) {
		return (option != null) ? new WorkerSizing.Setting(option.value(), option.source(), null)
				: new WorkerSizing.Setting(null, OptionSource.JVM_DEFAULT, null);
	}

	/**
	 * What the primary says at start about the workers' sizes: one line naming the variable
	 * whose options each worker gets its share of instead, and a warning when the workers'
	 * heaps, with what each JVM needs beside its heap and the primary, do not fit the memory.
	 * @param workers the configured number of workers
	 * @param execArgv {@code cluster.exec-argv}
	 * @return the lines, each with its level
	 */
	public List<Note> notes(int workers, List<String> execArgv) {
		List<Note> notes = new ArrayList<>();
		WorkerSizing sizing = forWorkers(workers, execArgv);
		List<String> replaced = new ArrayList<>();
		List<String> shares = new ArrayList<>();
		for (WorkerSizing.Setting setting : List.of(sizing.heap(), sizing.processors())) {
			if (setting.replaces() != null) {
				replaced.add(setting.replaces());
				shares.add(setting.option());
			}
		}
		if (!replaced.isEmpty()) {
			notes.add(new Note(false, "The workers' " + ((replaced.size() > 1) ? "heap and processors come"
					: (sizing.heap().replaces() != null) ? "heap comes" : "processors come") + " from "
					+ String.join(" and ", replaced) + ", sized for one JVM: each of the " + plural(workers, "worker")
					+ " gets its share of " + this.memory.describe() + " and of " + plural(this.processors, "processor")
					+ " instead, " + String.join(" ", shares) + " (all heaps together at most " + (int) HEAPS_PERCENTAGE
					+ " % of the memory). Set them in cluster.exec-argv to choose them yourself, or turn the shares "
					+ "off with cluster.share-memory=false or cluster.share-processors=false."));
		}
		long needed = needed(workers, sizing.maxHeap());
		if (needed > this.memory.bytes()) {
			notes.add(new Note(true, "The workers need about " + MemoryLimit.format(needed) + ", more than "
					+ this.memory.describe() + ": " + plural(workers, "worker") + " × (" + sizing.describeHeap()
					+ " + about " + MemoryLimit.format(NON_HEAP_ESTIMATE) + " beside the heap) + about "
					+ MemoryLimit.format(PRIMARY_ESTIMATE) + " for the primary. The kernel's OOM killer ends workers "
					+ "that grow into the limit: lower cluster.workers or each worker's heap (cluster.exec-argv), or give "
					+ "the cluster more memory."));
		}
		return notes;
	}

	/**
	 * Return what this many workers with this heap need, with what each JVM uses beside its
	 * heap and the primary.
	 * @param workers the number of workers
	 * @param maxHeap each worker's heap limit
	 * @return the bytes
	 */
	public static long needed(int workers, long maxHeap) {
		return workers * (maxHeap + NON_HEAP_ESTIMATE) + PRIMARY_ESTIMATE;
	}

	private static String plural(int count, String noun) {
		return String.format(Locale.ROOT, "%d %s%s", count, noun, (count != 1) ? "s" : "");
	}

	/**
	 * A line for the primary's log.
	 * @param warning whether it is a warning rather than information
	 * @param text the line
	 */
	public record Note(boolean warning, String text) {
	}

}
