package io.clusterstarter.upgrade;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;

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
 * cluster as before.
 *
 * @author cluster-spring-boot-starter
 */
public final class RetiredPrimary {

	private static final Log logger = LogFactory.getLog(RetiredPrimary.class);

	private final Process successor;

	private RetiredPrimary(Process successor) {
		this.successor = successor;
	}

	/**
	 * Decide whether the old primary stays once its workers have exited.
	 * @param successor the new primary
	 * @param mode {@code cluster.upgrade.old-primary}
	 * @return the retired primary that waits, or empty when it exits
	 */
	public static Optional<RetiredPrimary> of(Process successor, ClusterProperties.Upgrade.OldPrimary mode) {
		boolean waits = switch (mode) {
			case WAIT -> true;
			case EXIT -> false;
			case AUTO -> isWatched(ProcessHandle.current(), System.getenv());
		};
		return waits ? Optional.of(new RetiredPrimary(successor)) : Optional.empty();
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
	 * Wait for the new primary to exit.
	 * @return its exit status, for this process's own
	 * @throws InterruptedException if interrupted
	 */
	public int await() throws InterruptedException {
		logger.info("This primary stays as the process the service manager watches until the new primary (pid "
				+ this.successor.pid() + ") exits, and passes signals on to it (cluster.upgrade.old-primary)");
		PrimaryFootprint.trim();
		int status = this.successor.waitFor();
		logger.info("The new primary (pid " + this.successor.pid() + ") exited with status " + status);
		return status;
	}

	/**
	 * Pass a signal on to the new primary.
	 * @param signal the signal's name, such as {@code SIGTERM}
	 */
	public void forward(String signal) {
		String name = signal.startsWith("SIG") ? signal.substring(3) : signal;
		if (name.equals("TERM")) {
			this.successor.destroy();
			return;
		}
		try {
			new ProcessBuilder("kill", "-" + name, String.valueOf(this.successor.pid())).inheritIO().start().waitFor();
		}
		catch (IOException ex) {
			logger.warn("Could not pass SIG" + name + " on to the new primary (pid " + this.successor.pid() + "): "
					+ ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
