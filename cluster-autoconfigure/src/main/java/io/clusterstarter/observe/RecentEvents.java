package io.clusterstarter.observe;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.clusterstarter.event.DeployEvent;
import io.clusterstarter.event.RollingRestartEvent;
import io.clusterstarter.event.UpgradeEvent;
import io.clusterstarter.event.WorkerDisconnectEvent;
import io.clusterstarter.event.WorkerExitEvent;
import io.clusterstarter.event.WorkerForkEvent;
import io.clusterstarter.event.WorkerListeningEvent;
import io.clusterstarter.event.WorkerOnlineEvent;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;

/**
 * The cluster's last lifecycle events, each with its time, for what shows what just happened:
 * {@code monit} and the dashboard. A listener in the primary's context; it keeps the last
 * {@value #KEPT} events (about 200 bytes each) and never blocks the primary's loop.
 *
 * @author cluster-spring-boot-starter
 */
public final class RecentEvents implements ApplicationListener<ApplicationEvent> {

	/** Events kept. */
	static final int KEPT = 50;

	/** The last events, oldest first; guarded by itself. */
	private final Deque<Entry> entries = new ArrayDeque<>();

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		String text = describe(event);
		if (text == null) {
			return;
		}
		Entry entry = new Entry(Instant.ofEpochMilli(event.getTimestamp()), text, alert(event));
		synchronized (this.entries) {
			this.entries.addLast(entry);
			while (this.entries.size() > KEPT) {
				this.entries.removeFirst();
			}
		}
	}

	/**
	 * Return the last events, oldest first.
	 * @param count how many at most
	 * @return the events
	 */
	public List<Entry> last(int count) {
		synchronized (this.entries) {
			List<Entry> all = new ArrayList<>(this.entries);
			return List.copyOf(all.subList(Math.max(0, all.size() - count), all.size()));
		}
	}

	/**
	 * Describe an event for a person, or return {@code null} for one that is not a lifecycle
	 * event of the cluster.
	 * @param event the event
	 * @return the line, such as {@code worker 3 exited with code 137 (SIGKILL)}
	 */
	public static String describe(ApplicationEvent event) {
		if (event instanceof WorkerForkEvent fork) {
			return "worker " + fork.getWorker().id() + " forked in slot " + fork.getWorker().slot() + " (pid "
					+ fork.getWorker().pid() + ")";
		}
		if (event instanceof WorkerOnlineEvent online) {
			return "worker " + online.getWorker().id() + " online, starting the application";
		}
		if (event instanceof WorkerListeningEvent listening) {
			return "worker " + listening.getWorker().id() + " ready, listening on port " + listening.getPort();
		}
		if (event instanceof WorkerDisconnectEvent disconnect) {
			// A killed or crashing worker's channel closes too: not a shutdown anyone asked for
			return "worker " + disconnect.getWorker().id() + (disconnect.getWorker().exitedAfterDisconnect()
					? " disconnecting (graceful shutdown)" : " disconnected without being asked to: it is exiting");
		}
		if (event instanceof WorkerExitEvent exit) {
			return "worker " + exit.getWorker().id() + " exited with code " + exit.getExitCode()
					+ exit.getSignal().map((signal) -> " (" + signal + ")").orElse("")
					+ exit.getKilledBecause().map((reason) -> ", killed: " + reason).orElse("");
		}
		if (event instanceof RollingRestartEvent roll) {
			return switch (roll.getPhase()) {
				case STARTED -> "rolling restart started";
				case COMPLETED -> "rolling restart completed: " + roll.getReplaced() + " worker"
						+ ((roll.getReplaced() != 1) ? "s" : "") + " replaced";
				case ABORTED -> "rolling restart aborted: " + roll.getReason().orElse("unknown reason");
			};
		}
		if (event instanceof DeployEvent deploy) {
			String release = (deploy.getRelease() != null) ? String.valueOf(deploy.getRelease().version()) : "?";
			return switch (deploy.getPhase()) {
				case STARTED -> "deploy of " + release + " started"
						+ ((deploy.getPrevious() != null) ? " (over " + deploy.getPrevious().version() + ")" : "");
				case COMPLETED -> "deploy of " + release + " completed";
				case ROLLED_BACK -> "deploy of " + release + " rolled back: " + deploy.getReason().orElse("unknown reason");
				case FAILED -> "deploy of " + release + " failed: " + deploy.getReason().orElse("unknown reason");
			};
		}
		if (event instanceof UpgradeEvent upgrade) {
			String release = (upgrade.getRelease() != null) ? String.valueOf(upgrade.getRelease().version()) : "?";
			String pid = upgrade.getNewPrimaryPid().map((newPid) -> " (new primary pid " + newPid + ")").orElse("");
			return switch (upgrade.getPhase()) {
				case STARTED -> "upgrade of the primary to " + release + " started: its workers start beside these";
				case COMPLETED -> "upgrade to " + release + " completed" + pid
						+ ": these workers finish their requests and exit";
				case FAILED -> "upgrade to " + release + " failed" + pid + ": "
						+ upgrade.getReason().orElse("unknown reason") + "; this primary carries on";
			};
		}
		return null;
	}

	/**
	 * Return whether an event needs an operator's eye: a worker that exited without being
	 * asked to, a roll aborted, a deploy rolled back or failed, an upgrade failed.
	 */
	static boolean alert(ApplicationEvent event) {
		if (event instanceof WorkerExitEvent exit) {
			return !exit.isExitedAfterDisconnect() || exit.getKilledBecause().isPresent();
		}
		if (event instanceof RollingRestartEvent roll) {
			return roll.getPhase() == RollingRestartEvent.Phase.ABORTED;
		}
		if (event instanceof DeployEvent deploy) {
			return deploy.getPhase() == DeployEvent.Phase.ROLLED_BACK || deploy.getPhase() == DeployEvent.Phase.FAILED;
		}
		if (event instanceof UpgradeEvent upgrade) {
			return upgrade.getPhase() == UpgradeEvent.Phase.FAILED;
		}
		return false;
	}

	/**
	 * One event.
	 * @param time when it happened
	 * @param text what happened
	 * @param alert whether it needs an operator's eye (a crash, an abort, a rollback)
	 */
	public record Entry(Instant time, String text, boolean alert) {
	}

}
