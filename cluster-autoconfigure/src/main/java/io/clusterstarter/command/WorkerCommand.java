package io.clusterstarter.command;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.clusterstarter.ClusterSettings;
import io.clusterstarter.image.ImageLaunch;
import io.clusterstarter.resources.OptionVariables;
import io.clusterstarter.resources.WorkerSizing;

/**
 * The command line and environment of one worker, rebuilt from the primary's {@link JvmLaunch}
 * like Node's {@code child_process.fork(exec, args, {execArgv, env})}: the same {@code java}, the
 * primary's JVM options plus {@code execArgv}, the same launch shape ({@code -jar}, {@code -cp …
 * Main}, {@code -m module/Main}), and the primary's program arguments plus {@code args}. Every
 * path the launch holds (class and module path, jar, agents) is made absolute, so the command
 * works in whatever working directory the worker starts in. A worker image, when there is one,
 * replaces the executable jar with its extracted one and adds the options that map its
 * class-data cache: this is the one place that decides how a worker JVM is launched, the
 * image's training run included.
 *
 * @param command the command line
 * @param environment variables to set over the primary's environment
 * @param workingDirectory the working directory, or {@code null} for the primary's
 * @author cluster-spring-boot-starter
 */
public record WorkerCommand(List<String> command, Map<String, String> environment, Path workingDirectory) {

	/**
	 * Above this length the arguments go into an {@code @argfile}: Windows limits a command line
	 * to 32 K characters, and IDE class paths exceed that.
	 */
	static final int ARGFILE_THRESHOLD = 8 * 1024;

	/**
	 * Build a worker's command.
	 * @param launch how the primary was launched
	 * @param settings the cluster settings
	 * @param workerId the worker id
	 * @param sizing the processors and memory the worker is given
	 * @param placement where and at which priority it runs
	 * @param image the worker image to start from, or {@code null} to start as the primary did
	 * @param env the environment for this worker (settings and per-fork variables merged, plus
	 * the cluster's own variables)
	 * @param argFileDirectory where to write an {@code @argfile} if one is needed
	 * @return the command
	 * @throws IOException if the argfile cannot be written
	 */
	public static WorkerCommand create(JvmLaunch launch, ClusterSettings settings, int workerId, WorkerSizing sizing,
			Placement placement, ImageLaunch image, Map<String, String> env, Path argFileDirectory) throws IOException {
		List<String> arguments = new ArrayList<>();
		for (String option : JvmOptions.commandLineOptions(launch.inputArguments(), launch.environment())) {
			if (launch.mainModule() != null && option.startsWith("-Djdk.module.")) {
				continue; // re-added below as -p/-m
			}
			arguments.add(JvmOptions.withAbsolutePath(JvmOptions.forWorker(option, workerId), launch));
		}
		if (settings.execArgv() != null) {
			arguments.addAll(settings.execArgv());
		}
		arguments.addAll(sizing.options());
		if (image != null) {
			arguments.addAll(image.jvmOptions());
		}
		arguments.addAll((image != null && image.jar() != null) ? List.of("-jar", image.jar()) : launchShape(launch));
		arguments.addAll(launch.programArgs());
		if (settings.args() != null) {
			arguments.addAll(settings.args());
		}
		if (image != null) {
			arguments.addAll(image.programArgs());
		}
		Map<String, String> environment = new LinkedHashMap<>();
		for (String variable : OptionVariables.NAMES) {
			String inherited = launch.environment().get(variable);
			// The worker's share replaces the heap and processor options a platform sized for one JVM
			String value = sizing.variables().getOrDefault(variable, inherited);
			if (value != null) {
				String shifted = JvmOptions.variableForWorker(value, workerId);
				if (!shifted.equals(inherited)) {
					environment.put(variable, shifted);
				}
			}
		}
		environment.putAll(env);
		List<String> command = new ArrayList<>();
		if (placement.background() && JvmLaunch.isOnPath("nice")) {
			command.addAll(List.of("nice", "-n", "19"));
		}
		if (placement.cpus() != null) {
			// taskset execs java: the worker keeps its pid and its parent
			command.addAll(List.of("taskset", "-c", placement.cpus()));
		}
		command.add(launch.javaExecutable());
		if (String.join(" ", arguments).length() > ARGFILE_THRESHOLD) {
			Path argFile = argFileDirectory.toAbsolutePath().resolve("worker-" + workerId + ".args");
			Files.writeString(argFile, toArgFile(arguments), StandardCharsets.UTF_8);
			command.add("@" + argFile);
		}
		else {
			command.addAll(arguments);
		}
		return new WorkerCommand(List.copyOf(command), Map.copyOf(environment), settings.workingDirectory());
	}

	private static List<String> launchShape(JvmLaunch launch) {
		if (launch.mainModule() != null) {
			String main = launch.mainModule().contains("/") || launch.mainClass() == null ? launch.mainModule()
					: launch.mainModule() + "/" + launch.mainClass();
			List<String> shape = new ArrayList<>();
			if (launch.modulePath() != null) {
				shape.addAll(List.of("-p", launch.absolutePaths(launch.modulePath())));
			}
			if (launch.classPath() != null && !launch.classPath().isEmpty()) {
				shape.addAll(List.of("-cp", launch.absolutePaths(launch.classPath())));
			}
			shape.addAll(List.of("-m", main));
			return shape;
		}
		if (launch.isJar()) {
			return List.of("-jar", launch.absolute(launch.classPath()));
		}
		String mainClass = mainClassFromCommand(launch.javaCommand());
		if (mainClass == null) {
			mainClass = launch.mainClass();
		}
		if (mainClass == null) {
			throw new IllegalStateException("Cannot tell how this JVM was launched: no main class is known");
		}
		return List.of("-cp", (launch.classPath() != null) ? launch.absolutePaths(launch.classPath()) : "", mainClass);
	}

	private static String mainClassFromCommand(String javaCommand) {
		if (javaCommand == null || javaCommand.isBlank()) {
			return null;
		}
		String first = javaCommand.strip().split("\\s+", 2)[0];
		// A class name, not a jar or a source file
		return (first.endsWith(".jar") || first.endsWith(".java")) ? null : first;
	}

	/**
	 * Write arguments in the {@code @argfile} syntax of the {@code java} launcher: each argument
	 * quoted, with backslashes and quotes escaped, on a line of its own.
	 * @param arguments the arguments
	 * @return the file's content
	 */
	static String toArgFile(List<String> arguments) {
		StringBuilder content = new StringBuilder();
		for (String argument : arguments) {
			content.append('"');
			for (char c : argument.toCharArray()) {
				switch (c) {
					case '\\' -> content.append("\\\\");
					case '"' -> content.append("\\\"");
					case '\n' -> content.append("\\n");
					case '\r' -> content.append("\\r");
					case '\t' -> content.append("\\t");
					default -> content.append(c);
				}
			}
			content.append("\"\n");
		}
		return content.toString();
	}

	/**
	 * Where a worker JVM runs.
	 * @param cpus the processors to pin it to ({@code taskset} list), or {@code null}
	 * @param background whether the JVM runs at the lowest scheduling priority ({@code nice}),
	 * as the image's training run does, so that serving workers keep the processors
	 */
	public record Placement(String cpus, boolean background) {

		/** Anywhere, at normal priority. */
		public static final Placement ANYWHERE = new Placement(null, false);

		/** Anywhere, at the lowest priority. */
		public static final Placement BACKGROUND = new Placement(null, true);

	}

}
