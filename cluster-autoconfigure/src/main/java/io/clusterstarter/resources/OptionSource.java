package io.clusterstarter.resources;

import java.util.Locale;

/**
 * Where a JVM option of a worker comes from, in the order the JVM reads them: a later option
 * wins over an earlier one of the same kind.
 *
 * @author cluster-spring-boot-starter
 */
public enum OptionSource {

	/** The {@code JAVA_TOOL_OPTIONS} variable, which every JVM reads first. */
	JAVA_TOOL_OPTIONS("JAVA_TOOL_OPTIONS"),

	/** The {@code JDK_JAVA_OPTIONS} variable, which the {@code java} launcher reads next. */
	JDK_JAVA_OPTIONS("JDK_JAVA_OPTIONS"),

	/** The primary's own command line, which every worker repeats. */
	COMMAND_LINE("the primary's command line"),

	/** {@code cluster.exec-argv}, added after the primary's command line. */
	EXEC_ARGV("cluster.exec-argv"),

	/** The {@code _JAVA_OPTIONS} variable, which the JVM reads last. */
	JAVA_OPTIONS("_JAVA_OPTIONS"),

	/** The cluster's own share, when no option sets it. */
	CLUSTER("the cluster's share"),

	/** Nothing: the JVM sizes it itself. */
	JVM_DEFAULT("the JVM's default");

	private final String description;

	OptionSource(String description) {
		this.description = description;
	}

	/**
	 * Return whether the options come from an environment variable, which a platform (a
	 * buildpack, a base image) usually sets for one JVM, and every worker inherits.
	 * @return whether this is an options variable
	 */
	public boolean isVariable() {
		return this == JAVA_TOOL_OPTIONS || this == JDK_JAVA_OPTIONS || this == JAVA_OPTIONS;
	}

	/**
	 * Return the name of the variable, for an options variable.
	 * @return the variable's name, or {@code null}
	 */
	public String variable() {
		return isVariable() ? this.description : null;
	}

	/**
	 * Return the source as {@code /actuator/cluster} shows it: a variable's name, else a
	 * lower-case word ({@code command-line}, {@code exec-argv}, {@code cluster},
	 * {@code jvm-default}).
	 * @return the tag
	 */
	public String tag() {
		return isVariable() ? this.description : name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	@Override
	public String toString() {
		return this.description;
	}

}
