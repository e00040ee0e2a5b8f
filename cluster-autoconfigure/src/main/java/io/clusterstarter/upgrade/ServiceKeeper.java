package io.clusterstarter.upgrade;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import io.clusterstarter.image.PrivateDirectory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The one retired primary that stays for a service manager across any number of upgrades: the
 * first primary that waits ({@link RetiredPrimary}) is the keeper, and its pid passes from each
 * primary to the next in {@value #VARIABLE}. A later primary that an upgrade retires while the
 * keeper still runs does not wait in turn (each would be a JVM kept for nothing): it leaves a
 * note naming its successor and exits, and the keeper waits for that one instead. A primary that
 * is not the keeper's child leaves its exit status in a note when it ends, for the keeper to exit
 * with. The notes are files in this user's private directory, named by the writer's pid, and
 * removed by the keeper once read, or by the primary that starts a process of that pid.
 *
 * @author cluster-spring-boot-starter
 */
public final class ServiceKeeper {

	private static final Log logger = LogFactory.getLog(ServiceKeeper.class);

	/** The keeper's pid, passed to every new primary of the cluster. */
	static final String VARIABLE = "CLUSTER_UPGRADE_KEEPER";

	private static final String NEXT = ".next";

	private static final String STATUS = ".status";

	private ServiceKeeper() {
	}

	/**
	 * Return the keeper of this primary's cluster, when one is running.
	 * @param environment this process's environment variables
	 * @return the keeper, other than this process
	 */
	static Optional<ProcessHandle> of(Map<String, String> environment) {
		String value = environment.get(VARIABLE);
		if (value == null || value.isBlank()) {
			return Optional.empty();
		}
		try {
			long pid = Long.parseLong(value.strip());
			return ProcessHandle.of(pid)
				.filter(ProcessHandle::isAlive)
				.filter((keeper) -> pid != ProcessHandle.current().pid());
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	/**
	 * Return the keeper that will wait for this primary's successor in its place: the keeper
	 * runs, and the primary this one took over from is the keeper or has exited. A predecessor
	 * that still runs and is not the keeper is a primary of an earlier starter, which waits for
	 * this one itself and would end with it.
	 * @param environment this process's environment variables
	 * @param predecessor the pid of the primary this one took over from, or {@code null}
	 * @return the keeper, if it will follow
	 */
	public static Optional<ProcessHandle> following(Map<String, String> environment, Long predecessor) {
		return of(environment).filter((keeper) -> predecessor == null || keeper.pid() == predecessor
				|| !ProcessHandle.of(predecessor).map(ProcessHandle::isAlive).orElse(false));
	}

	/**
	 * The keeper to name to a new primary this one starts: this cluster's keeper while it runs,
	 * else this primary when it would wait once retired, else none.
	 * @param environment this process's environment variables
	 * @param wouldWait whether this primary would wait for its successor
	 * @return the keeper's pid, or empty
	 */
	static OptionalLong forSuccessor(Map<String, String> environment, boolean wouldWait) {
		Optional<ProcessHandle> keeper = of(environment);
		if (keeper.isPresent()) {
			return OptionalLong.of(keeper.get().pid());
		}
		return wouldWait ? OptionalLong.of(ProcessHandle.current().pid()) : OptionalLong.empty();
	}

	/**
	 * Leave the note that this primary handed the cluster on to another, for the keeper.
	 * @param successor the new primary's pid
	 */
	public static void handedOn(long successor) {
		write(ProcessHandle.current().pid(), NEXT, String.valueOf(successor));
	}

	/**
	 * Leave this primary's exit status for the keeper, when there is one.
	 * @param environment this process's environment variables
	 * @param status the status this primary exits with
	 */
	public static void exiting(Map<String, String> environment, int status) {
		if (of(environment).isPresent()) {
			write(ProcessHandle.current().pid(), STATUS, String.valueOf(status));
		}
	}

	/**
	 * Read and remove the note naming the primary a given one handed the cluster on to.
	 * @param pid the primary that exited
	 * @return the new primary's pid, if it left one
	 */
	static OptionalLong next(long pid) {
		String value = take(pid, NEXT);
		return (value != null) ? OptionalLong.of(Long.parseLong(value)) : OptionalLong.empty();
	}

	/**
	 * Read and remove the exit status a given primary left.
	 * @param pid the primary that exited
	 * @return its status, if it left one
	 */
	static OptionalInt status(long pid) {
		String value = take(pid, STATUS);
		return (value != null) ? OptionalInt.of(Integer.parseInt(value)) : OptionalInt.empty();
	}

	/**
	 * Remove whatever notes an earlier process of a pid left, once a new process has that pid.
	 * @param pid the new process's pid
	 */
	static void forget(long pid) {
		take(pid, NEXT);
		take(pid, STATUS);
	}

	/**
	 * Leave a note, written whole or not at all.
	 * @param pid the pid it is about
	 * @param kind {@code .next} or {@code .status}
	 * @param value what it says
	 */
	static void write(long pid, String kind, String value) {
		try {
			Path note = note(pid, kind);
			Path written = Files.writeString(note.resolveSibling(note.getFileName() + ".new"), value,
					StandardCharsets.UTF_8);
			// Whole or absent: the keeper reads it as soon as this process has exited
			Files.move(written, note, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			logger.warn("Could not leave the note for the primary that the service manager watches (" + kind + "): "
					+ ex.getMessage());
		}
	}

	private static String take(long pid, String kind) {
		try {
			Path note = note(pid, kind);
			if (!Files.exists(note)) {
				return null;
			}
			String value = Files.readString(note, StandardCharsets.UTF_8).strip();
			Files.deleteIfExists(note);
			return value.matches("-?[0-9]+") ? value : null;
		}
		catch (IOException ex) {
			logger.debug("Could not read the note " + pid + kind + ": " + ex.getMessage());
			return null;
		}
	}

	private static Path note(long pid, String kind) throws IOException {
		return PrivateDirectory.ensure(PrivateDirectory.inTemporaryDirectory()).resolve("upgrade-" + pid + kind);
	}

}
