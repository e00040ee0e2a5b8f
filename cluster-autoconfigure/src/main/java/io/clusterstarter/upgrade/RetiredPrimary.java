package io.clusterstarter.upgrade;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;

import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.observe.PrimaryFootprint;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * An old primary whose workers have exited after an upgrade and that stays, because a service
 * manager watches its pid: systemd stops a unit whose main process exits (and kills what is
 * left in its cgroup), and a container ends with its PID 1, or with the child of the init that
 * is PID 1. It waits for the new primary, its child, and exits with its status; a signal it gets
 * goes on to the new primary, so that {@code systemctl stop} or {@code docker stop} stops the
 * cluster as before. Later upgrades hand the cluster on without another waiting primary
 * ({@link ServiceKeeper}): this one follows the newest.
 *
 * @author cluster-spring-boot-starter
 */
public final class RetiredPrimary {

	private static final Log logger = LogFactory.getLog(RetiredPrimary.class);

	/** What this primary exits with when the primary it waited for left no status (killed). */
	static final int UNKNOWN_STATUS = 1;

	/** The new primary this one started, until it hands the cluster on. */
	private final Process successor;

	/** The primary this one waits for now: the successor, or one the cluster was handed on to. */
	private volatile ProcessHandle current;

	private RetiredPrimary(Process successor) {
		this.successor = successor;
		this.current = successor.toHandle();
	}

	/**
	 * Decide whether the old primary stays once its workers have exited.
	 * @param successor the new primary
	 * @param mode {@code cluster.upgrade.old-primary}
	 * @return the retired primary that waits, or empty when it exits
	 */
	public static Optional<RetiredPrimary> of(Process successor, ClusterProperties.Upgrade.OldPrimary mode) {
		return waits(mode) ? Optional.of(new RetiredPrimary(successor)) : Optional.empty();
	}

	/**
	 * Whether a primary retired by an upgrade waits for the new one.
	 * @param mode {@code cluster.upgrade.old-primary}
	 * @return whether it waits
	 */
	static boolean waits(ClusterProperties.Upgrade.OldPrimary mode) {
		return switch (mode) {
			case WAIT -> true;
			case EXIT -> false;
			case AUTO -> isWatched(ProcessHandle.current(), System.getenv());
		};
	}

	/**
	 * Whether a service manager watches a process's pid: it is PID 1 or a child of PID 1 (a
	 * container's init such as tini ends with its child), or systemd started it.
	 * @param process the process
	 * @param environment its environment variables
	 * @return whether its exit would end the service
	 */
	static boolean isWatched(ProcessHandle process, Map<String, String> environment) {
		return process.pid() == 1 || process.parent().map(ProcessHandle::pid).orElse(0L) == 1
				|| environment.containsKey("INVOCATION_ID");
	}

	/**
	 * Wait for the new primary to exit, and for each primary it handed the cluster on to
	 * ({@link ServiceKeeper}).
	 * @return the last one's exit status, for this process's own
	 * @throws InterruptedException if interrupted
	 */
	public int await() throws InterruptedException {
		logger.info("This primary stays as the process the service manager watches until the new primary (pid "
				+ this.successor.pid() + ") exits, and passes signals on to it (cluster.upgrade.old-primary)");
		PrimaryFootprint.trim();
		while (true) {
			long waitedFor = this.current.pid();
			OptionalInt status = exitOf(this.current);
			OptionalLong next = ServiceKeeper.next(waitedFor);
			if (next.isPresent()) {
				Optional<ProcessHandle> handedTo = ProcessHandle.of(next.getAsLong()).filter(ProcessHandle::isAlive);
				if (handedTo.isPresent()) {
					this.current = handedTo.get();
					logger.info("The primary (pid " + waitedFor + ") handed the cluster on to a new primary (pid "
							+ next.getAsLong() + "): this primary now waits for that one, and passes signals on to it");
					continue;
				}
				// Handed on to a primary that has ended already: its status is the one that counts
				waitedFor = next.getAsLong();
				status = ServiceKeeper.status(waitedFor);
			}
			if (status.isEmpty()) {
				logger.warn("The primary (pid " + waitedFor + ") ended without leaving its exit status (killed?); "
						+ "exiting with " + UNKNOWN_STATUS);
				return UNKNOWN_STATUS;
			}
			logger.info("The new primary (pid " + waitedFor + ") exited with status " + status.getAsInt());
			return status.getAsInt();
		}
	}

	/**
	 * Wait for a primary to exit: this process's child gives its status itself; another leaves
	 * it in a note.
	 */
	private OptionalInt exitOf(ProcessHandle primary) throws InterruptedException {
		if (primary.pid() == this.successor.pid()) {
			int status = this.successor.waitFor();
			ServiceKeeper.status(primary.pid());
			return OptionalInt.of(status);
		}
		try {
			primary.onExit().get();
		}
		catch (ExecutionException ex) {
			// Not this process's child: its exit is watched by polling, which does not fail
		}
		return ServiceKeeper.status(primary.pid());
	}

	/**
	 * Return the primary this one waits for now.
	 * @return its process
	 */
	ProcessHandle current() {
		return this.current;
	}

	/**
	 * Pass a signal on to the primary this one waits for.
	 * @param signal the signal's name, such as {@code SIGTERM}
	 */
	public void forward(String signal) {
		String name = signal.startsWith("SIG") ? signal.substring(3) : signal;
		ProcessHandle target = this.current;
		if (name.equals("TERM")) {
			target.destroy();
			return;
		}
		try {
			new ProcessBuilder("kill", "-" + name, String.valueOf(target.pid())).inheritIO().start().waitFor();
		}
		catch (IOException ex) {
			logger.warn("Could not pass SIG" + name + " on to the new primary (pid " + target.pid() + "): "
					+ ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
