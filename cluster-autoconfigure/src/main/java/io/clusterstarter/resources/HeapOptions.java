package io.clusterstarter.resources;

import java.util.Locale;

/**
 * The JVM options that size the heap, and their values: a maximum in bytes ({@code -Xmx},
 * {@code -XX:MaxHeapSize}), as a share of the memory ({@code -XX:MaxRAMPercentage},
 * {@code -XX:MaxRAMFraction}, the memory considered, {@code -XX:MaxRAM}), and the initial size,
 * which must not exceed the maximum or the JVM refuses to start.
 *
 * @author cluster-spring-boot-starter
 */
final class HeapOptions {

	/** The JVM's own heap limit, in percent of the memory, when no option sets one. */
	static final double JVM_DEFAULT_PERCENTAGE = 25;

	private HeapOptions() {
	}

	static boolean isMaxBytes(String option) {
		return option.startsWith("-Xmx") || option.startsWith("-XX:MaxHeapSize=");
	}

	static boolean isMaxPercentage(String option) {
		return option.startsWith("-XX:MaxRAMPercentage=");
	}

	/** Any option that sets the heap's limit, directly or through the memory it considers. */
	static boolean isMax(String option) {
		return isMaxBytes(option) || isMaxPercentage(option) || option.startsWith("-XX:MaxRAMFraction=")
				|| option.startsWith("-XX:MaxRAM=");
	}

	static boolean isInitialBytes(String option) {
		return option.startsWith("-Xms") || option.startsWith("-XX:InitialHeapSize=")
				|| option.startsWith("-XX:MinHeapSize=");
	}

	static boolean isInitialPercentage(String option) {
		return option.startsWith("-XX:InitialRAMPercentage=");
	}

	/**
	 * Return the heap limit that options give a JVM in this much memory, as the JVM computes
	 * it: a maximum in bytes wins over any share of the memory.
	 * @param options the options
	 * @param memory the memory the JVM sees, in bytes
	 * @return the limit in bytes, and the option that decides it ({@code null} for the JVM's
	 * default)
	 */
	static Limit limit(LaunchOptions options, long memory) {
		LaunchOptions.Option bytes = options.last(HeapOptions::isMaxBytes);
		if (bytes != null) {
			return new Limit(sizeOf(bytes.value()), bytes);
		}
		LaunchOptions.Option maxRam = options.last((option) -> option.startsWith("-XX:MaxRAM="));
		long considered = (maxRam != null) ? Math.min(memory, sizeOf(maxRam.value())) : memory;
		LaunchOptions.Option share = options.last(
				(option) -> isMaxPercentage(option) || option.startsWith("-XX:MaxRAMFraction="));
		if (share != null) {
			double percentage = isMaxPercentage(share.value()) ? number(share.value())
					: 100 / Math.max(1, number(share.value()));
			return new Limit((long) (considered * percentage / 100), share);
		}
		return new Limit((long) (considered * JVM_DEFAULT_PERCENTAGE / 100), maxRam);
	}

	/**
	 * Return the value of a percentage or fraction option.
	 * @param option such as {@code -XX:MaxRAMPercentage=75.0}
	 * @return the number
	 */
	static double number(String option) {
		return Double.parseDouble(option.substring(option.indexOf('=') + 1));
	}

	/**
	 * Return the size an option sets, in the JVM's syntax: a number of bytes, or one followed
	 * by {@code k}, {@code m}, {@code g} or {@code t}.
	 * @param option such as {@code -Xmx1428M} or {@code -XX:MaxHeapSize=1g}
	 * @return the size in bytes
	 * @throws NumberFormatException if the value is not a size
	 */
	static long sizeOf(String option) {
		String value = option.contains("=") ? option.substring(option.indexOf('=') + 1) : option.substring(4);
		String lower = value.toLowerCase(Locale.ROOT);
		char unit = lower.isEmpty() ? ' ' : lower.charAt(lower.length() - 1);
		long multiplier = switch (unit) {
			case 'k' -> 1L << 10;
			case 'm' -> 1L << 20;
			case 'g' -> 1L << 30;
			case 't' -> 1L << 40;
			default -> 1;
		};
		String digits = (multiplier > 1) ? lower.substring(0, lower.length() - 1) : lower;
		return Long.parseLong(digits) * multiplier;
	}

	/**
	 * A heap limit and the option that decides it.
	 * @param bytes the limit
	 * @param option the deciding option, or {@code null} for the JVM's default
	 */
	record Limit(long bytes, LaunchOptions.Option option) {

		OptionSource source() {
			return (this.option != null) ? this.option.source() : OptionSource.JVM_DEFAULT;
		}

	}

}
