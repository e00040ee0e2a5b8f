package io.clusterstarter.primary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Handles SIGTERM and SIGINT in the primary itself instead of through shutdown hooks, so that the
 * primary can stop its workers gracefully and then exit with status 0, and can tell a second
 * Ctrl-C from the first. A signal the primary inherited as ignored ({@code nohup} ignores
 * SIGHUP, a shell's {@code &} SIGINT) stays ignored, since the JVM installs no handler for it:
 * the primary says so once at start, with what to use instead.
 *
 * @author cluster-spring-boot-starter
 */
final class SignalHandlers {

	private static final Log logger = LogFactory.getLog(SignalHandlers.class);

	private static final Path STATUS = Path.of("/proc/self/status");

	private SignalHandlers() {
	}

	/**
	 * Handle SIGTERM and SIGINT with {@code stop}, SIGHUP with {@code reload}, and SIGUSR2 with
	 * {@code upgrade}.
	 * @param stop called with the signal's name
	 * @param reload called on SIGHUP
	 * @param upgrade called on SIGUSR2
	 * @param commandLine how the cluster's command line is run ({@code java -Djarmode=cluster
	 * -jar app.jar}), for the warning about an ignored signal
	 */
	static void install(Consumer<String> stop, Runnable reload, Runnable upgrade, String commandLine) {
		for (String name : ignored(STATUS)) {
			logger.warn(ignoredWarning(name, commandLine));
		}
		for (String name : new String[] { "TERM", "INT" }) {
			handle(name, (signal) -> stop.accept("SIG" + signal.getName()));
		}
		handle("HUP", (signal) -> reload.run());
		handle("USR2", (signal) -> upgrade.run());
	}

	/**
	 * Return which of the signals the primary handles this process ignores, from the
	 * {@code SigIgn} mask of a {@code /proc/<pid>/status} file.
	 * @param status the file
	 * @return the signals' names ({@code HUP}, {@code INT}, {@code TERM}), none off Linux
	 */
	static List<String> ignored(Path status) {
		List<String> ignored = new ArrayList<>();
		try {
			for (String line : Files.readAllLines(status)) {
				if (line.startsWith("SigIgn:")) {
					long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
					for (int number : new int[] { 1, 2, 15 }) {
						if ((mask & (1L << (number - 1))) != 0) {
							ignored.add(switch (number) {
								case 1 -> "HUP";
								case 2 -> "INT";
								default -> "TERM";
							});
						}
					}
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Not Linux: nothing to tell
		}
		return ignored;
	}

	static String ignoredWarning(String signal, String commandLine) {
		String why = "SIG" + signal + " is ignored by this process, as the process that started it ignored it ("
				+ (signal.equals("HUP") ? "nohup does" : signal.equals("INT") ? "a shell does for a command run with &"
						: "its parent did")
				+ "), and the JVM keeps it ignored: ";
		return why + switch (signal) {
			case "HUP" -> "kill -HUP does not reload the cluster. Reload with '" + commandLine + " reload' instead.";
			case "INT" -> "Ctrl-C and kill -INT do not stop the cluster. Stop it with SIGTERM or '" + commandLine
					+ " stop'.";
			default -> "kill (SIGTERM) does not stop the cluster, nor does the primary's SIGTERM stop a worker. Stop it "
					+ "with '" + commandLine + " stop', and start it from a process that does not ignore SIGTERM.";
		};
	}

	private static void handle(String name, SignalHandler handler) {
		try {
			Signal.handle(new Signal(name), handler);
		}
		catch (IllegalArgumentException ex) {
			// The JVM owns this signal (-Xrs, or a debugger): shutdown hooks still stop the workers
			logger.debug("Cannot handle SIG" + name + ": " + ex.getMessage());
		}
	}

}
