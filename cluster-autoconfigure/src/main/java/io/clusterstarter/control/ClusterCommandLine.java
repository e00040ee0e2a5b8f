package io.clusterstarter.control;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

/**
 * The command line that operates a running cluster through its primary's control socket:
 * {@code java -Djarmode=cluster -jar app.jar status}, or, for a class-path launch,
 * {@code java -cp ... io.clusterstarter.control.ClusterCommandLine status}. It finds the
 * cluster in the {@link ControlDirectory control directory} (by {@code --name}, else the one
 * running this jar's application, else the only one), sends the command and prints what the
 * primary answers. It uses the JDK only and starts no Spring, so it answers at once.
 *
 * @author cluster-spring-boot-starter
 */
public final class ClusterCommandLine {

	/** How long {@code stop} waits for the primary's process to end once its socket closed. */
	static final Duration STOP_EXIT_WAIT = Duration.ofSeconds(30);

	private final Map<String, String> environment;

	private final PrintStream out;

	private final PrintStream err;

	ClusterCommandLine(Map<String, String> environment, PrintStream out, PrintStream err) {
		this.environment = environment;
		this.out = out;
		this.err = err;
	}

	/**
	 * Run a command and exit with its status.
	 * @param args the command line
	 */
	public static void main(String[] args) {
		int status = new ClusterCommandLine(System.getenv(), System.out, System.err).run(List.of(args));
		System.out.flush();
		System.exit(status);
	}

	/**
	 * Run a command.
	 * @param args the command line
	 * @return the exit status
	 */
	int run(List<String> args) {
		Path directory = null;
		String name = null;
		List<String> command = new ArrayList<>();
		for (int i = 0; i < args.size(); i++) {
			String arg = args.get(i);
			if ((arg.equals("--dir") || arg.equals("--name")) && i + 1 >= args.size()) {
				return usage(arg + " needs a value");
			}
			if (arg.equals("--dir")) {
				directory = Path.of(args.get(++i));
			}
			else if (arg.equals("--name")) {
				name = args.get(++i);
			}
			else {
				command.add(arg);
			}
		}
		if (command.isEmpty() || List.of("help", "--help", "-h").contains(command.get(0))) {
			this.out.print(ControlProtocol.USAGE_TEXT);
			return command.isEmpty() ? ControlProtocol.USAGE : ControlProtocol.OK;
		}
		if (!ControlProtocol.COMMANDS.contains(command.get(0))) {
			return usage("unknown command '" + command.get(0) + "'");
		}
		ControlDirectory control = (directory != null) ? new ControlDirectory(directory)
				: ControlDirectory.byDefault(this.environment);
		ControlDirectory.Entry cluster;
		try {
			cluster = find(control, name);
		}
		catch (AccessDeniedException ex) {
			this.err.println("cluster: permission denied: " + control.path()
					+ " belongs to another user; run the command as the user the cluster runs as");
			return ControlProtocol.DENIED;
		}
		catch (IOException ex) {
			this.err.println("cluster: cannot read " + control.path() + ": " + ex.getMessage());
			return ControlProtocol.NOT_RUNNING;
		}
		catch (NotFound ex) {
			this.err.println("cluster: " + ex.getMessage());
			return ex.status;
		}
		return send(cluster, command);
	}

	private int send(ControlDirectory.Entry cluster, List<String> command) {
		int status;
		try {
			status = new ControlClient(this.out, this.err, ControlProtocol.CLIENT_IDLE_TIMEOUT_MILLIS).run(cluster.socket(),
					command, Path.of("").toAbsolutePath());
		}
		catch (IOException ex) {
			String message = String.valueOf(ex.getMessage());
			if (message.contains("Permission denied")) {
				this.err.println("cluster: permission denied on " + cluster.socket()
						+ "; run the command as the user the cluster runs as");
				return ControlProtocol.DENIED;
			}
			if (message.contains("Connection refused") || message.contains("No such file")) {
				this.err.println("cluster: " + cluster.name() + " (pid " + cluster.pid() + ") does not answer on "
						+ cluster.socket());
				return ControlProtocol.NOT_RUNNING;
			}
			this.err.println("cluster: " + cluster.name() + ": " + message);
			return ControlProtocol.FAILED;
		}
		if (command.get(0).equals("stop") && (status == ControlClient.CLOSED || status == ControlProtocol.OK)) {
			return awaitExit(cluster, command.contains("--json"));
		}
		if (status == ControlClient.CLOSED) {
			this.err.println("cluster: the primary closed the connection before it answered");
			return ControlProtocol.FAILED;
		}
		return status;
	}

	/**
	 * A stopping primary closes its socket once its workers have exited; its process ends
	 * right after.
	 */
	private int awaitExit(ControlDirectory.Entry cluster, boolean json) {
		Optional<ProcessHandle> primary = ProcessHandle.of(cluster.pid());
		try {
			if (primary.isPresent()) {
				primary.get().onExit().get(STOP_EXIT_WAIT.toSeconds(), TimeUnit.SECONDS);
			}
		}
		catch (TimeoutException ex) {
			this.err.println("cluster: the primary (pid " + cluster.pid() + ") closed its socket but still runs after "
					+ STOP_EXIT_WAIT.toSeconds() + " s");
			return ControlProtocol.FAILED;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return ControlProtocol.FAILED;
		}
		catch (ExecutionException ex) {
			// onExit does not fail
		}
		this.out.println(json ? "{\"command\":\"stop\",\"result\":\"stopped\",\"pid\":" + cluster.pid() + "}"
				: "cluster " + cluster.name() + " stopped");
		return ControlProtocol.OK;
	}

	private ControlDirectory.Entry find(ControlDirectory control, String name) throws IOException, NotFound {
		List<ControlDirectory.Entry> running = control.running();
		if (name != null) {
			return running.stream()
				.filter((entry) -> entry.name().equals(name))
				.findFirst()
				.orElseThrow(() -> new NotFound("no cluster named '" + name + "' runs" + listed(running, control),
						ControlProtocol.NOT_RUNNING));
		}
		String startClass = startClassOfThisJar();
		List<ControlDirectory.Entry> candidates = (startClass != null)
				? running.stream().filter((entry) -> startClass.equals(entry.startClass())).toList() : running;
		if (candidates.size() == 1) {
			return candidates.get(0);
		}
		if (candidates.isEmpty()) {
			throw new NotFound("no cluster " + ((startClass != null) ? "of " + startClass + " " : "") + "runs"
					+ listed(running, control), ControlProtocol.NOT_RUNNING);
		}
		throw new NotFound(candidates.size() + " clusters run; choose one with --name: "
				+ candidates.stream().map(ClusterCommandLine::describe).collect(Collectors.joining(", ")),
				ControlProtocol.USAGE);
	}

	private static String listed(List<ControlDirectory.Entry> running, ControlDirectory control) {
		if (running.isEmpty()) {
			return " (none has a control socket in " + control.path() + "; a primary started with another "
					+ "cluster.control.directory is found with --dir or $" + ControlDirectory.ENVIRONMENT_VARIABLE + ")";
		}
		return " (running: " + running.stream().map(ClusterCommandLine::describe).collect(Collectors.joining(", ")) + ")";
	}

	private static String describe(ControlDirectory.Entry entry) {
		return entry.name() + " [pid " + entry.pid() + ((entry.startClass() != null) ? ", " + entry.startClass() : "")
				+ "]";
	}

	/**
	 * The application of the jar this command runs from ({@code java -jar app.jar}), so that
	 * the command reaches the cluster of the same application; {@code null} for a class-path
	 * launch.
	 */
	private static String startClassOfThisJar() {
		String classPath = System.getProperty("java.class.path", "");
		if (!classPath.endsWith(".jar") || classPath.contains(java.io.File.pathSeparator)
				|| !Files.isRegularFile(Path.of(classPath))) {
			return null;
		}
		try (JarFile jar = new JarFile(classPath)) {
			return (jar.getManifest() != null) ? jar.getManifest().getMainAttributes().getValue("Start-Class") : null;
		}
		catch (IOException ex) {
			return null;
		}
	}

	private int usage(String problem) {
		this.err.println("cluster: " + problem);
		this.err.println(ControlProtocol.USAGE_HINT);
		return ControlProtocol.USAGE;
	}

	/** No cluster, or more than one, matches. */
	private static final class NotFound extends Exception {

		private final int status;

		NotFound(String message, int status) {
			super(message, null, false, false);
			this.status = status;
		}

	}

}
