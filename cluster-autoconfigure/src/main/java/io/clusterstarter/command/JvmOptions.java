package io.clusterstarter.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.clusterstarter.resources.OptionVariables;

/**
 * Rules for the JVM options a worker inherits from the primary.
 *
 * @author cluster-spring-boot-starter
 */
public final class JvmOptions {

	/** Options whose value is a list of paths. */
	private static final List<String> PATH_LIST_OPTIONS = List.of("-Xbootclasspath/a:", "-Xbootclasspath/p:",
			"-XX:SharedArchiveFile=");

	/** Options whose value is an agent's path, then its options after '='. */
	private static final List<String> AGENT_OPTIONS = List.of("-javaagent:", "-agentpath:");

	private static final Pattern JDWP = Pattern.compile("^(-agentlib:jdwp=|-Xrunjdwp:)(.*)$");

	private static final Pattern ADDRESS = Pattern.compile("(^|,)address=(?:([^,]*):)?(\\d+)(?=,|$)");

	private static final Pattern JMX_PORT = Pattern
		.compile("^-Dcom\\.sun\\.management\\.jmxremote\\.(port|rmi\\.port)=(\\d+)$");

	private JvmOptions() {
	}

	/**
	 * Remove the options that came from the {@link OptionVariables options variables}: the
	 * worker inherits the variables, so copying their options would apply them twice. The JVM lists
	 * {@code JAVA_TOOL_OPTIONS} first, then {@code JDK_JAVA_OPTIONS}, then the command line,
	 * then {@code _JAVA_OPTIONS}.
	 * @param inputArguments the JVM's input arguments
	 * @param environment the JVM's environment
	 * @return the options given on the command line
	 */
	public static List<String> commandLineOptions(List<String> inputArguments, Map<String, String> environment) {
		List<String> options = new ArrayList<>(inputArguments);
		removePrefix(options, OptionVariables.tokenize(environment.get("JAVA_TOOL_OPTIONS")));
		removePrefix(options, OptionVariables.tokenize(environment.get("JDK_JAVA_OPTIONS")));
		List<String> trailing = OptionVariables.tokenize(environment.get("_JAVA_OPTIONS"));
		if (!trailing.isEmpty() && options.size() >= trailing.size()
				&& options.subList(options.size() - trailing.size(), options.size()).equals(trailing)) {
			options.subList(options.size() - trailing.size(), options.size()).clear();
		}
		else {
			trailing.forEach(options::remove);
		}
		return options;
	}

	private static void removePrefix(List<String> options, List<String> prefix) {
		if (prefix.isEmpty()) {
			return;
		}
		if (options.size() >= prefix.size() && options.subList(0, prefix.size()).equals(prefix)) {
			options.subList(0, prefix.size()).clear();
		}
		else {
			prefix.forEach(options::remove);
		}
	}

	/**
	 * Give each worker its own debug and JMX ports, as Node shifts {@code --inspect} ports: a
	 * listening JDWP agent at port P becomes P + id; a JMX remote port likewise.
	 * @param option one JVM option
	 * @param workerId the worker id
	 * @return the option for that worker
	 */
	public static String forWorker(String option, int workerId) {
		Matcher jdwp = JDWP.matcher(option);
		if (jdwp.matches()) {
			String settings = jdwp.group(2);
			if (settings.contains("server=y")) {
				Matcher address = ADDRESS.matcher(settings);
				if (address.find()) {
					int port = Integer.parseInt(address.group(3));
					if (port != 0) {
						String host = (address.group(2) != null) ? address.group(2) + ":" : "";
						settings = settings.substring(0, address.start()) + address.group(1) + "address=" + host
								+ (port + workerId) + settings.substring(address.end());
						return jdwp.group(1) + settings;
					}
				}
			}
			return option;
		}
		Matcher jmx = JMX_PORT.matcher(option);
		if (jmx.matches() && !"0".equals(jmx.group(2))) {
			return "-Dcom.sun.management.jmxremote." + jmx.group(1) + "=" + (Integer.parseInt(jmx.group(2)) + workerId);
		}
		return option;
	}

	/**
	 * Make the path in an option that names a file absolute ({@code -javaagent:},
	 * {@code -agentpath:}, {@code -Xbootclasspath/a:}, {@code -XX:SharedArchiveFile=} …): a
	 * worker may start in another working directory.
	 * @param option one JVM option
	 * @param launch the launch whose working directory relative paths are relative to
	 * @return the option with an absolute path
	 */
	public static String withAbsolutePath(String option, JvmLaunch launch) {
		for (String prefix : PATH_LIST_OPTIONS) {
			if (option.startsWith(prefix) && option.length() > prefix.length()) {
				return prefix + launch.absolutePaths(option.substring(prefix.length()));
			}
		}
		for (String prefix : AGENT_OPTIONS) {
			if (option.startsWith(prefix) && option.length() > prefix.length()) {
				String value = option.substring(prefix.length());
				int equals = value.indexOf('=');
				String path = (equals >= 0) ? value.substring(0, equals) : value;
				return prefix + launch.absolute(path) + ((equals >= 0) ? value.substring(equals) : "");
			}
		}
		return option;
	}

	/**
	 * Apply {@link #forWorker(String, int)} to every option in an options variable.
	 * @param value the variable's value
	 * @param workerId the worker id
	 * @return the value for that worker, unchanged when no option moves
	 */
	public static String variableForWorker(String value, int workerId) {
		List<String> tokens = OptionVariables.tokenize(value);
		List<String> shifted = tokens.stream().map((option) -> forWorker(option, workerId)).toList();
		if (shifted.equals(tokens)) {
			return value;
		}
		return OptionVariables.join(shifted);
	}

}
