package io.clusterstarter.control;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;

import io.clusterstarter.event.DeployEvent;
import io.clusterstarter.event.UpgradeEvent;
import io.clusterstarter.event.RollingRestartEvent;
import io.clusterstarter.event.WorkerDisconnectEvent;
import io.clusterstarter.event.WorkerExitEvent;
import io.clusterstarter.event.WorkerForkEvent;
import io.clusterstarter.event.WorkerListeningEvent;
import io.clusterstarter.event.WorkerOnlineEvent;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;

/**
 * The cluster's lifecycle events as lines a person reads, for the commands that wait (reload,
 * deploy, scale, restart, stop) to show their progress, and for {@code monit} to show what
 * happened last. A listener in the primary's context: it only queues the lines (bounded, never
 * blocking the primary's loop); each waiting command reads its own queue.
 *
 * @author cluster-spring-boot-starter
 */
public final class ControlProgress implements ApplicationListener<ApplicationEvent> {

	private static final int QUEUE = 1_000;

	/** Lines kept for {@link #recent(int)}. */
	private static final int RECENT = 50;

	private final Set<Subscription> subscriptions = new CopyOnWriteArraySet<>();

	/** The last lines, for {@code monit}; guarded by itself. */
	private final Deque<String> recent = new ArrayDeque<>();

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		String line = describe(event);
		if (line == null) {
			return;
		}
		synchronized (this.recent) {
			this.recent.addLast(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "  " + line);
			while (this.recent.size() > RECENT) {
				this.recent.removeFirst();
			}
		}
		this.subscriptions.forEach((subscription) -> subscription.lines.offer(line));
	}

	/**
	 * Return the last lines, oldest first, each after the local time it happened.
	 * @param count how many at most
	 * @return the lines
	 */
	public List<String> recent(int count) {
		synchronized (this.recent) {
			List<String> lines = new ArrayList<>(this.recent);
			return lines.subList(Math.max(0, lines.size() - count), lines.size());
		}
	}

	/**
	 * Start receiving the lines; close the subscription when done.
	 * @return the subscription
	 */
	public Subscription subscribe() {
		Subscription subscription = new Subscription();
		this.subscriptions.add(subscription);
		return subscription;
	}

	/**
	 * Describe an event, or return {@code null} for one that is not progress.
	 * @param event the event
	 * @return the line
	 */
	static String describe(ApplicationEvent event) {
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
			return "worker " + disconnect.getWorker().id() + " disconnecting (graceful shutdown)";
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
	 * The lines for one waiting command.
	 */
	public final class Subscription implements AutoCloseable {

		private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE);

		private Subscription() {
		}

		/**
		 * Wait for the next line.
		 * @param timeoutMillis how long to wait
		 * @return the line, or {@code null} if none came in time
		 * @throws InterruptedException if interrupted
		 */
		public String next(long timeoutMillis) throws InterruptedException {
			return this.lines.poll(timeoutMillis, TimeUnit.MILLISECONDS);
		}

		@Override
		public void close() {
			ControlProgress.this.subscriptions.remove(this);
		}

	}

}
