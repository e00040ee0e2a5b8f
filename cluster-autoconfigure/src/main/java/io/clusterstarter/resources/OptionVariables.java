package io.clusterstarter.resources;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The environment variables whose JVM options every JVM started with them reads, and how the
 * launcher splits them. A worker inherits them from the primary's environment, so their options
 * apply to it whether or not its command line repeats them.
 *
 * @author cluster-spring-boot-starter
 */
public final class OptionVariables {

	/** The variables, in the order the JVM reads them. */
	public static final List<String> NAMES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

	private OptionVariables() {
	}

	/**
	 * Split an options variable the way the launcher does: on white space, with single or
	 * double quotes grouping.
	 * @param value the variable's value, or {@code null}
	 * @return the options
	 */
	public static List<String> tokenize(String value) {
		if (value == null || value.isBlank()) {
			return Collections.emptyList();
		}
		List<String> tokens = new ArrayList<>();
		StringBuilder current = new StringBuilder();
		boolean inToken = false;
		char quote = 0;
		for (char c : value.toCharArray()) {
			if (quote != 0) {
				if (c == quote) {
					quote = 0;
				}
				else {
					current.append(c);
				}
			}
			else if (c == '"' || c == '\'') {
				quote = c;
				inToken = true;
			}
			else if (Character.isWhitespace(c)) {
				if (inToken) {
					tokens.add(current.toString());
					current.setLength(0);
					inToken = false;
				}
			}
			else {
				current.append(c);
				inToken = true;
			}
		}
		if (inToken) {
			tokens.add(current.toString());
		}
		return tokens;
	}

	/**
	 * Join options into a variable's value again, quoting those with white space.
	 * @param options the options
	 * @return the value
	 */
	public static String join(List<String> options) {
		return String.join(" ", options.stream()
			.map((option) -> option.chars().anyMatch(Character::isWhitespace) ? "\"" + option + "\"" : option)
			.toList());
	}

}
