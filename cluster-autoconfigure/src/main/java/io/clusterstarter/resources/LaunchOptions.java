package io.clusterstarter.resources;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The JVM options a worker reads, each with its source, in the order the JVM reads them:
 * {@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS}, the primary's command line,
 * {@code cluster.exec-argv}, {@code _JAVA_OPTIONS}. Of two options of one kind, the later wins.
 *
 * @author cluster-spring-boot-starter
 */
public final class LaunchOptions {

	private final List<Option> options;

	private LaunchOptions(List<Option> options) {
		this.options = List.copyOf(options);
	}

	/**
	 * Collect a worker's options.
	 * @param environment the environment the worker inherits, holding the options variables
	 * @param commandLine the options of the primary's command line (without those of the
	 * variables)
	 * @param execArgv {@code cluster.exec-argv}, or {@code null}
	 * @return the options
	 */
	public static LaunchOptions of(Map<String, String> environment, List<String> commandLine, List<String> execArgv) {
		List<Option> options = new ArrayList<>();
		add(options, OptionSource.JAVA_TOOL_OPTIONS, OptionVariables.tokenize(environment.get("JAVA_TOOL_OPTIONS")));
		add(options, OptionSource.JDK_JAVA_OPTIONS, OptionVariables.tokenize(environment.get("JDK_JAVA_OPTIONS")));
		add(options, OptionSource.COMMAND_LINE, commandLine);
		add(options, OptionSource.EXEC_ARGV, (execArgv != null) ? execArgv : List.of());
		add(options, OptionSource.JAVA_OPTIONS, OptionVariables.tokenize(environment.get("_JAVA_OPTIONS")));
		return new LaunchOptions(options);
	}

	private static void add(List<Option> options, OptionSource source, List<String> values) {
		values.forEach((value) -> options.add(new Option(value, source)));
	}

	/**
	 * Return the last option that matches, the one the JVM applies.
	 * @param kind which options count
	 * @return the option, or {@code null} when none matches
	 */
	Option last(Predicate<String> kind) {
		Option last = null;
		for (Option option : this.options) {
			if (kind.test(option.value())) {
				last = option;
			}
		}
		return last;
	}

	/**
	 * Return the options of one source, in order.
	 * @param source the source
	 * @return its options
	 */
	List<String> from(OptionSource source) {
		return this.options.stream().filter((option) -> option.source() == source).map(Option::value).toList();
	}

	/**
	 * One option and where it comes from.
	 * @param value the option
	 * @param source where it comes from
	 */
	record Option(String value, OptionSource source) {

		@Override
		public String toString() {
			return this.value + " (" + this.source + ")";
		}

	}

}
