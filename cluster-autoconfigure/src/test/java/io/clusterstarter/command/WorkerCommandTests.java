package io.clusterstarter.command;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.clusterstarter.ClusterSettings;
import io.clusterstarter.image.ImageLaunch;
import io.clusterstarter.resources.OptionSource;
import io.clusterstarter.resources.WorkerSizing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link WorkerCommand}: every launch shape, and what a worker inherits.
 */
class WorkerCommandTests {

	@TempDir
	Path directory;

	private static final WorkerSizing NONE = sizing(List.of(), Map.of());

	private final ClusterSettings noSettings = ClusterSettings.builder().build();

	@Test
	void jarLaunchIsRepeatedWithTheSameJar() throws IOException {
		JvmLaunch launch = launch(List.of("-Xmx256m"), Map.of(), "/apps/app.jar --server.port=9000", "/apps/app.jar",
				null, List.of("--server.port=9000"));
		assertThat(command(launch, this.noSettings, 1)).containsExactly("/java", "-Xmx256m", "-jar", "/apps/app.jar",
				"--server.port=9000");
	}

	@Test
	void classPathLaunchIsRepeatedWithTheSameClassPathAndMainClass() throws IOException {
		String classPath = String.join(File.pathSeparator, "/a/classes", "/a/lib/x.jar");
		JvmLaunch launch = launch(List.of(), Map.of(), "com.example.Main a b", classPath, "com.example.Main",
				List.of("a", "b"));
		assertThat(command(launch, this.noSettings, 1)).containsExactly("/java", "-cp", classPath, "com.example.Main",
				"a", "b");
	}

	@Test
	void classPathLaunchThroughBootsLauncherKeepsTheLauncher() throws IOException {
		JvmLaunch launch = launch(List.of(), Map.of(), "org.springframework.boot.loader.launch.JarLauncher", "app.jar",
				"com.example.Main", List.of());
		assertThat(command(launch, this.noSettings, 1)).containsExactly("/java", "-cp", "/work/app.jar",
				"org.springframework.boot.loader.launch.JarLauncher");
	}

	@Test
	void missingLauncherCommandFallsBackToTheApplicationsMainClass() throws IOException {
		JvmLaunch launch = launch(List.of(), Map.of(), null, "/classes", "com.example.Main", List.of());
		assertThat(command(launch, this.noSettings, 1)).containsExactly("/java", "-cp", "/classes", "com.example.Main");
	}

	@Test
	void noMainClassAtAllIsAnError() {
		JvmLaunch launch = launch(List.of(), Map.of(), null, "/classes", null, List.of());
		assertThatIllegalStateException().isThrownBy(() -> command(launch, this.noSettings, 1))
			.withMessageContaining("no main class");
	}

	@Test
	void moduleLaunchIsRepeatedWithTheSameModulePathAndModule() throws IOException {
		JvmLaunch launch = new JvmLaunch("/java", List.of("-Djdk.module.main=app", "-Xss1m"), Map.of(),
				"app/com.example.Main", "", "/mods", "app", "com.example.Main", List.of("x"), Path.of("/work"));
		assertThat(command(launch, this.noSettings, 1)).containsExactly("/java", "-Xss1m", "-p", "/mods", "-m",
				"app/com.example.Main", "x");
	}

	@Test
	void relativeJarAndAgentPathsAreMadeAbsoluteSoAnotherWorkingDirectoryFindsThem() throws IOException {
		JvmLaunch launch = launch(List.of("-javaagent:agents/a.jar=opt=1", "-agentpath:lib/libp.so",
				"-Xbootclasspath/a:boot/x.jar:/abs/y.jar", "-Xmx64m"), Map.of(), "target/app.jar --a", "target/app.jar",
				null, List.of("--a"));
		ClusterSettings elsewhere = ClusterSettings.builder().workingDirectory(Path.of("/elsewhere")).build();
		assertThat(command(launch, elsewhere, 1)).containsExactly("/java", "-javaagent:/work/agents/a.jar=opt=1",
				"-agentpath:/work/lib/libp.so", "-Xbootclasspath/a:/work/boot/x.jar:/abs/y.jar", "-Xmx64m", "-jar",
				"/work/target/app.jar", "--a");
	}

	@Test
	void relativeClassPathEntriesAndWildcardsAreMadeAbsolute() throws IOException {
		String classPath = String.join(File.pathSeparator, "target/classes", "lib/*", "/abs/z.jar", "../up/u.jar");
		JvmLaunch launch = launch(List.of(), Map.of(), "com.example.Main", classPath, "com.example.Main", List.of());
		assertThat(command(launch, this.noSettings, 1)).containsExactly("/java", "-cp",
				String.join(File.pathSeparator, "/work/target/classes", "/work/lib/*", "/abs/z.jar", "/up/u.jar"),
				"com.example.Main");
	}

	@Test
	void mavenAndIdeLaunchesAreClassPathLaunches() throws IOException {
		// spring-boot:run and IDEs start 'java [agent] -cp <long class path> Main'
		JvmLaunch launch = launch(List.of("-javaagent:/ide/agent.jar=1234", "-Dfile.encoding=UTF-8"), Map.of(),
				"com.example.Main", "/p/target/classes:/repo/a.jar", "com.example.Main", List.of());
		assertThat(command(launch, this.noSettings, 1)).containsExactly("/java", "-javaagent:/ide/agent.jar=1234",
				"-Dfile.encoding=UTF-8", "-cp", "/p/target/classes:/repo/a.jar", "com.example.Main");
	}

	@Test
	void settingsAddJvmOptionsAndArgumentsAfterThePrimarysOwn() throws IOException {
		JvmLaunch launch = launch(List.of("-Xmx1g"), Map.of(), "app.jar x", "app.jar", null, List.of("x"));
		ClusterSettings settings = ClusterSettings.builder()
			.execArgv(List.of("-Xmx256m", "-Dworker=true"))
			.args(List.of("--y"))
			.build();
		assertThat(command(launch, settings, 1)).containsExactly("/java", "-Xmx1g", "-Xmx256m", "-Dworker=true", "-jar",
				"/work/app.jar", "x", "--y");
	}

	@Test
	void optionsFromEnvironmentVariablesAreNotCopiedBecauseTheWorkerInheritsThem() throws IOException {
		Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Dtool=1 -javaagent:/agent.jar", "JDK_JAVA_OPTIONS",
				"-Djdk=\"two words\"", "_JAVA_OPTIONS", "-Dlast=1");
		JvmLaunch launch = launch(List.of("-Dtool=1", "-javaagent:/agent.jar", "-Djdk=two words", "-Xmx64m", "-Dlast=1"),
				env, "app.jar", "app.jar", null, List.of());
		WorkerCommand command = WorkerCommand.create(launch, this.noSettings, 1, NONE, WorkerCommand.Placement.ANYWHERE, null, Map.of(), this.directory);
		assertThat(command.command()).containsExactly("/java", "-Xmx64m", "-jar", "/work/app.jar");
		assertThat(command.environment()).doesNotContainKeys("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");
	}

	@Test
	void listeningDebugAgentMovesToPortPlusWorkerId() throws IOException {
		JvmLaunch launch = launch(List.of("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005",
				"-Xrunjdwp:transport=dt_socket,address=8000,server=y"), Map.of(), "app.jar", "app.jar", null,
				List.of());
		assertThat(command(launch, this.noSettings, 3)).contains(
				"-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5008",
				"-Xrunjdwp:transport=dt_socket,address=8003,server=y");
	}

	@Test
	void debugAgentThatConnectsOutOrPicksItsOwnPortIsKept() throws IOException {
		List<String> options = List.of("-agentlib:jdwp=transport=dt_socket,server=n,address=ide:5005",
				"-agentlib:jdwp=transport=dt_socket,server=y,address=localhost:0");
		JvmLaunch launch = launch(options, Map.of(), "app.jar", "app.jar", null, List.of());
		assertThat(command(launch, this.noSettings, 2)).containsSubsequence(options);
	}

	@Test
	void debugAgentInJavaToolOptionsMovesInTheWorkersEnvironment() throws IOException {
		String agent = "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=5005";
		JvmLaunch launch = launch(List.of(agent), Map.of("JAVA_TOOL_OPTIONS", agent), "app.jar", "app.jar", null,
				List.of());
		WorkerCommand command = WorkerCommand.create(launch, this.noSettings, 2, NONE, WorkerCommand.Placement.ANYWHERE, null, Map.of(), this.directory);
		assertThat(command.command()).containsExactly("/java", "-jar", "/work/app.jar");
		assertThat(command.environment()).containsEntry("JAVA_TOOL_OPTIONS",
				"-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=5007");
	}

	@Test
	void jmxRemotePortsMoveToPortPlusWorkerId() throws IOException {
		JvmLaunch launch = launch(List.of("-Dcom.sun.management.jmxremote.port=9010",
				"-Dcom.sun.management.jmxremote.rmi.port=9011"), Map.of(), "app.jar", "app.jar", null, List.of());
		assertThat(command(launch, this.noSettings, 4)).contains("-Dcom.sun.management.jmxremote.port=9014",
				"-Dcom.sun.management.jmxremote.rmi.port=9015");
	}

	@Test
	void sizingOptionsComeAfterTheUsersAndItsVariablesReplaceTheInheritedOnes() throws IOException {
		String inherited = "-Xmx1428M -agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=5000";
		JvmLaunch launch = launch(List.of("-Xmx1428M", "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=5000",
				"-Xss1m"), Map.of("JAVA_TOOL_OPTIONS", inherited), "app.jar", "app.jar", null, List.of());
		WorkerSizing sizing = sizing(List.of("-XX:ActiveProcessorCount=1"),
				Map.of("JAVA_TOOL_OPTIONS", inherited.replace("-Xmx1428M", "-Xmx512m")));
		ClusterSettings settings = ClusterSettings.builder().execArgv(List.of("-Dx=1")).build();
		WorkerCommand command = WorkerCommand.create(launch, settings, 2, sizing, WorkerCommand.Placement.ANYWHERE, null,
				Map.of(), this.directory);
		assertThat(command.command()).containsExactly("/java", "-Xss1m", "-Dx=1", "-XX:ActiveProcessorCount=1", "-jar",
				"/work/app.jar");
		// The worker's share, with its own debug port on top
		assertThat(command.environment()).containsEntry("JAVA_TOOL_OPTIONS",
				"-Xmx512m -agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=5002");
	}

	@Test
	void imageReplacesTheExecutableJarAndAddsItsOptionsAndArguments() throws IOException {
		JvmLaunch launch = launch(List.of("-Xss1m"), Map.of(), "app.jar --a=1", "app.jar", null, List.of("--a=1"));
		ImageLaunch image = new ImageLaunch("/cache/img/app/app.jar", List.of("-XX:AOTCache=/cache/img/app.aot"),
				List.of("--spring.profiles.active=training"), Path.of("/cache/img/app.aot"));
		assertThat(WorkerCommand.create(launch, this.noSettings, 1, NONE, WorkerCommand.Placement.ANYWHERE, image, Map.of(),
				this.directory).command())
			.containsExactly("/java", "-Xss1m", "-XX:AOTCache=/cache/img/app.aot", "-jar", "/cache/img/app/app.jar",
					"--a=1", "--spring.profiles.active=training");
		// A class-path launch keeps its class path
		JvmLaunch classPath = launch(List.of(), Map.of(), "com.example.Main", "/lib/a.jar", null, List.of());
		ImageLaunch cacheOnly = new ImageLaunch(null, List.of("-XX:SharedArchiveFile=/img/app.jsa"), List.of(),
				Path.of("/img/app.jsa"));
		assertThat(WorkerCommand.create(classPath, this.noSettings, 1, NONE, WorkerCommand.Placement.ANYWHERE, cacheOnly, Map.of(),
				this.directory).command())
			.containsExactly("/java", "-XX:SharedArchiveFile=/img/app.jsa", "-cp", "/lib/a.jar", "com.example.Main");
	}

	@Test
	void backgroundJvmRunsAtTheLowestPriority() throws IOException {
		JvmLaunch launch = launch(List.of(), Map.of(), "app.jar", "app.jar", null, List.of());
		assertThat(WorkerCommand.create(launch, this.noSettings, 1, NONE, WorkerCommand.Placement.BACKGROUND, null,
				Map.of(), this.directory).command())
			.startsWith("nice", "-n", "19", "/java");
	}

	@Test
	void pinnedWorkerStartsThroughTaskset() throws IOException {
		JvmLaunch launch = launch(List.of(), Map.of(), "app.jar", "app.jar", null, List.of());
		assertThat(WorkerCommand.create(launch, this.noSettings, 1, sizing(List.of("-XX:ActiveProcessorCount=1"), Map.of()),
				new WorkerCommand.Placement("2,3", false), null, Map.of(), this.directory).command())
			.containsExactly("taskset", "-c", "2,3", "/java", "-XX:ActiveProcessorCount=1", "-jar", "/work/app.jar");
	}

	@Test
	void longCommandGoesThroughAnArgFile() throws IOException {
		String classPath = "/repo/" + "x".repeat(WorkerCommand.ARGFILE_THRESHOLD) + ".jar";
		JvmLaunch launch = launch(List.of("-Dwith=\"quotes\" and \\backslash"), Map.of(), "com.example.Main",
				classPath, null, List.of("arg with space"));
		List<String> command = command(launch, this.noSettings, 7);
		assertThat(command).hasSize(2);
		assertThat(command.get(1)).startsWith("@");
		Path argFile = Path.of(command.get(1).substring(1));
		assertThat(argFile).hasParent(this.directory);
		assertThat(Files.readAllLines(argFile)).containsExactly("\"-Dwith=\\\"quotes\\\" and \\\\backslash\"",
				"\"-cp\"", "\"" + classPath + "\"", "\"com.example.Main\"", "\"arg with space\"");
	}

	@Test
	void environmentCarriesSettingsAndWorkerVariables() throws IOException {
		JvmLaunch launch = launch(List.of(), Map.of(), "app.jar", "app.jar", null, List.of());
		WorkerCommand command = WorkerCommand.create(launch, this.noSettings, 1, NONE, WorkerCommand.Placement.ANYWHERE, null,
				Map.of("A", "1", "CLUSTERSTARTER_WORKER_ID", "1"), this.directory);
		assertThat(command.environment()).containsEntry("A", "1").containsEntry("CLUSTERSTARTER_WORKER_ID", "1");
	}

	private List<String> command(JvmLaunch launch, ClusterSettings settings, int id) throws IOException {
		return WorkerCommand.create(launch, settings, id, NONE, WorkerCommand.Placement.ANYWHERE, null, Map.of(), this.directory).command();
	}

	private static JvmLaunch launch(List<String> options, Map<String, String> env, String javaCommand,
			String classPath, String mainClass, List<String> args) {
		return new JvmLaunch("/java", options, env, javaCommand, classPath, null, null, mainClass, args,
				Path.of("/work"));
	}

	private static WorkerSizing sizing(List<String> options, Map<String, String> variables) {
		WorkerSizing.Setting none = new WorkerSizing.Setting(null, OptionSource.JVM_DEFAULT, null);
		return new WorkerSizing(options, variables, none, 0, none, 0);
	}

}
