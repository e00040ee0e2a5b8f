package io.clusterstarter.command;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How the primary JVM was launched, read from inside it: the facts a worker's command line is
 * rebuilt from. {@code ProcessHandle.Info.arguments()} is not used, because Linux truncates it
 * past 4 KB and Windows never fills it.
 *
 * @param javaExecutable the {@code java} executable of this JVM
 * @param inputArguments the JVM options ({@code RuntimeMXBean.getInputArguments()}), including
 * those that came from {@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS} and
 * {@code _JAVA_OPTIONS}
 * @param environment the environment of this JVM
 * @param javaCommand the {@code sun.java.command} property: the jar or main class followed by the
 * program arguments, or {@code null}
 * @param classPath the class path
 * @param modulePath the module path, or {@code null}
 * @param mainModule the main module, or {@code null} unless launched with {@code -m}
 * @param mainClass the application's main class, used when {@code javaCommand} is missing
 * @param programArgs the program arguments
 * @param workingDirectory the primary's working directory, which relative paths in the launch
 * (class path, jar, agents) are relative to
 * @author cluster-spring-boot-starter
 */
public record JvmLaunch(String javaExecutable, List<String> inputArguments, Map<String, String> environment,
		String javaCommand, String classPath, String modulePath, String mainModule, String mainClass,
		List<String> programArgs, Path workingDirectory) {

	/**
	 * Read the launch of the current JVM.
	 * @param args the program arguments the application was run with
	 * @param mainApplicationClass the application's main class, or {@code null}
	 * @return the launch
	 */
	public static JvmLaunch current(String[] args, Class<?> mainApplicationClass) {
		String java = ProcessHandle.current()
			.info()
			.command()
			.orElse(Path.of(System.getProperty("java.home"), "bin", isWindows() ? "java.exe" : "java").toString());
		return new JvmLaunch(java, ManagementFactory.getRuntimeMXBean().getInputArguments(), System.getenv(),
				System.getProperty("sun.java.command"), System.getProperty("java.class.path"),
				System.getProperty("jdk.module.path"), System.getProperty("jdk.module.main"),
				(mainApplicationClass != null) ? mainApplicationClass.getName() : null, List.of(args),
				Path.of("").toAbsolutePath());
	}

	/**
	 * Return the JVM options a worker runs with as the user chose them: this JVM's input
	 * arguments (those from its options variables included, which the worker inherits) followed
	 * by {@code cluster.exec-argv}, before the primary adds anything of its own.
	 * @param execArgv the workers' extra JVM options, or {@code null}
	 * @return the options
	 */
	public List<String> userOptions(List<String> execArgv) {
		List<String> options = new ArrayList<>(this.inputArguments);
		if (execArgv != null) {
			options.addAll(execArgv);
		}
		return options;
	}

	/**
	 * Return the same launch running another jar with {@code -jar}: a release's own copy.
	 * @param jar the jar, absolute
	 * @return the launch
	 */
	public JvmLaunch withJar(String jar) {
		return new JvmLaunch(this.javaExecutable, this.inputArguments, this.environment, jar, jar, this.modulePath,
				null, this.mainClass, this.programArgs, this.workingDirectory);
	}

	/**
	 * Return whether this JVM was launched with {@code -jar}: the class path is one jar and the
	 * launcher's command starts with it.
	 * @return whether the launch is {@code java -jar}
	 */
	public boolean isJar() {
		return this.javaCommand != null && this.classPath != null && !this.classPath.isEmpty()
				&& !this.classPath.contains(File.pathSeparator) && this.classPath.endsWith(".jar")
				&& (this.javaCommand.equals(this.classPath) || this.javaCommand.startsWith(this.classPath + " "));
	}

	/**
	 * Resolve a path of the launch against the primary's working directory, so that a worker
	 * started in another directory ({@code setupPrimary(workingDirectory)}) finds the same file.
	 * @param path a path as the primary was given it
	 * @return the absolute path
	 */
	public String absolute(String path) {
		// An empty class path entry means the working directory, as it does for the launcher
		return this.workingDirectory.resolve(path).normalize().toString();
	}

	/**
	 * Resolve every entry of a class or module path, as {@link #absolute(String)} does; a
	 * wildcard entry ({@code lib/*}) stays a wildcard.
	 * @param paths entries separated by {@link File#pathSeparator}
	 * @return the entries, absolute
	 */
	public String absolutePaths(String paths) {
		return Arrays.stream(paths.split(File.pathSeparator, -1))
			.map((entry) -> (entry.equals("*") || entry.endsWith(File.separator + "*"))
					? Path.of(absolute(entry.substring(0, entry.length() - 1)), "*").toString() : absolute(entry))
			.collect(Collectors.joining(File.pathSeparator));
	}

	/**
	 * Return whether a command is on the {@code PATH}, such as {@code taskset} or {@code nice}.
	 * @param command the command
	 * @return whether an executable of that name is found
	 */
	public static boolean isOnPath(String command) {
		String path = System.getenv("PATH");
		return path != null && Arrays.stream(path.split(File.pathSeparator))
			.anyMatch((directory) -> !directory.isEmpty() && Files.isExecutable(Path.of(directory, command)));
	}

	public static boolean isWindows() {
		return System.getProperty("os.name", "").toLowerCase().startsWith("windows");
	}

}
