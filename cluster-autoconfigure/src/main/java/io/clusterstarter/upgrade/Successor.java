package io.clusterstarter.upgrade;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import io.clusterstarter.event.WorkerExitEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationListener;

/**
 * The new primary's side of an upgrade: what the old primary passed in the environment (its
 * pid, the hand-over's socket, the control socket's name and the ports), and the hand-over
 * itself. The new primary says hello once it runs, and ready once every first worker is; it gives
 * up when a worker exits before that. Told to take over, it opens the control socket under the
 * old primary's name and writes the pid files, and says so. An old primary that dies first
 * (killed) leaves it in charge as well.
 *
 * @author cluster-spring-boot-starter
 */
public final class Successor implements ApplicationListener<WorkerExitEvent> {

	private static final Log logger = LogFactory.getLog(Successor.class);

	/** The old primary's pid. */
	static final String FROM = "CLUSTER_UPGRADE_FROM";

	/** The hand-over's socket. */
	static final String SOCKET = "CLUSTER_UPGRADE_SOCKET";

	/** The control socket's name, when the old primary has one. */
	static final String CONTROL_NAME = "CLUSTER_UPGRADE_CONTROL_NAME";

	/** The port the workers share, which the new primary keeps even with {@code server.port=0}. */
	static final String PORT = "CLUSTER_UPGRADE_PORT";

	/** The separate management port. */
	static final String MANAGEMENT_PORT = "CLUSTER_UPGRADE_MANAGEMENT_PORT";

	/** What a reload re-reads: the old primary's, which stays the same through upgrades. */
	static final String RELOAD_ARTIFACT = "CLUSTER_UPGRADE_RELOAD_ARTIFACT";

	private static final Duration POLL = Duration.ofMillis(100);

	private final ProcessHandle predecessor;

	private final Path socket;

	private final String controlName;

	private final Integer port;

	private final Integer managementPort;

	private final Path reloadArtifact;

	private final CompletableFuture<String> failure = new CompletableFuture<>();

	private volatile boolean ready;

	private HandoverChannel channel;

	private Successor(ProcessHandle predecessor, Path socket, String controlName, Integer port,
			Integer managementPort, Path reloadArtifact) {
		this.predecessor = predecessor;
		this.socket = socket;
		this.controlName = controlName;
		this.port = port;
		this.managementPort = managementPort;
		this.reloadArtifact = reloadArtifact;
	}

	/**
	 * The variables an old primary passes to the new one.
	 * @param pid the old primary's pid
	 * @param socket the hand-over's socket
	 * @param controlName the control socket's name, or {@code null}
	 * @param port the port the workers share, or {@code null}
	 * @param managementPort the separate management port, or {@code null}
	 * @param reloadArtifact what the old primary's reload re-reads, or {@code null}
	 * @return the variables
	 */
	static Map<String, String> environment(long pid, Path socket, String controlName, Integer port,
			Integer managementPort, Path reloadArtifact) {
		Map<String, String> environment = new LinkedHashMap<>();
		environment.put(FROM, String.valueOf(pid));
		environment.put(SOCKET, socket.toString());
		environment.put(CONTROL_NAME, (controlName != null) ? controlName : "");
		environment.put(PORT, (port != null) ? String.valueOf(port) : "");
		environment.put(MANAGEMENT_PORT, (managementPort != null) ? String.valueOf(managementPort) : "");
		environment.put(RELOAD_ARTIFACT, (reloadArtifact != null) ? reloadArtifact.toString() : "");
		return environment;
	}

	/**
	 * Return the successor's side when an old primary started this JVM for an upgrade.
	 * @param environment the environment variables
	 * @return the successor, or {@code null} for a primary started otherwise
	 */
	public static Successor fromEnvironment(Map<String, String> environment) {
		String from = environment.get(FROM);
		if (from == null || from.isBlank()) {
			return null;
		}
		ProcessHandle predecessor;
		try {
			predecessor = ProcessHandle.of(Long.parseLong(from.strip())).filter(ProcessHandle::isAlive).orElse(null);
		}
		catch (NumberFormatException ex) {
			predecessor = null;
		}
		if (predecessor == null || environment.get(SOCKET) == null) {
			logger.warn(FROM + "=" + from + " names no running primary; starting as a cluster of its own");
			return null;
		}
		return new Successor(predecessor, Path.of(environment.get(SOCKET)), blankToNull(environment.get(CONTROL_NAME)),
				number(environment.get(PORT)), number(environment.get(MANAGEMENT_PORT)),
				(blankToNull(environment.get(RELOAD_ARTIFACT)) != null) ? Path.of(environment.get(RELOAD_ARTIFACT)) : null);
	}

	private static String blankToNull(String value) {
		return (value == null || value.isBlank()) ? null : value;
	}

	private static Integer number(String value) {
		return (blankToNull(value) != null) ? Integer.valueOf(value.strip()) : null;
	}

	/**
	 * Return the old primary's pid.
	 * @return the pid
	 */
	public long predecessorPid() {
		return this.predecessor.pid();
	}

	/**
	 * Return the port the workers share.
	 * @return the port, or {@code null} without a web server
	 */
	public Integer port() {
		return this.port;
	}

	/**
	 * Return the separate management port.
	 * @return the port, or {@code null} without one
	 */
	public Integer managementPort() {
		return this.managementPort;
	}

	/**
	 * Return what the old primary's reload re-read ({@code cluster.deploy.artifact}, else the
	 * jar it was launched with, as named), which this one's re-reads too: an upgrade to
	 * {@code releases/app-2.jar} keeps reloads on {@code current.jar}.
	 * @return the artifact, or {@code null}
	 */
	public Path reloadArtifact() {
		return this.reloadArtifact;
	}

	/**
	 * Return the control socket's name to take over.
	 * @return the name, or {@code null} when the old primary had no control socket
	 */
	public String controlName() {
		return this.controlName;
	}

	/**
	 * Tell the old primary that this one runs.
	 * @throws IOException if it cannot be reached
	 */
	public void connect() throws IOException {
		this.channel = HandoverChannel.connect(this.socket);
		this.channel.send(HandoverChannel.HELLO + " " + ProcessHandle.current().pid());
	}

	/**
	 * A worker that exits before every first worker is ready fails the upgrade: the old
	 * primary's workers go on serving.
	 */
	@Override
	public void onApplicationEvent(WorkerExitEvent event) {
		if (!this.ready) {
			this.failure.complete("worker " + event.getWorker().id() + " of the new primary exited "
					+ event.getSignal().map((signal) -> "on " + signal).orElse("with status " + event.getExitCode())
					+ event.getKilledBecause().map((why) -> " (" + why + ")").orElse("")
					+ " before it was ready");
		}
	}

	/**
	 * Run this side of the hand-over on a thread of its own, once the workers are forking.
	 * @param up completes when every first worker is ready
	 * @param takeControl opens the control socket under {@link #controlName()} and writes the
	 * pid files
	 * @param giveUp stops this primary gracefully, with the reason
	 */
	public void handOver(CompletableFuture<Void> up, ControlTaker takeControl, Consumer<String> giveUp) {
		Thread thread = new Thread(() -> {
			try {
				handOverNow(up, takeControl, giveUp);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.channel.close();
			}
		}, "cluster-upgrade");
		thread.setDaemon(true);
		thread.start();
	}

	private void handOverNow(CompletableFuture<Void> up, ControlTaker takeControl, Consumer<String> giveUp)
			throws InterruptedException {
		while (!up.isDone() && !this.failure.isDone() && this.predecessor.isAlive()) {
			Thread.sleep(POLL.toMillis());
		}
		if (this.failure.isDone() && !up.isDone()) {
			String reason = this.failure.getNow(null);
			send(HandoverChannel.FAILED + " " + reason);
			giveUp.accept("The upgrade failed: " + reason);
			return;
		}
		this.ready = true;
		boolean told = false;
		if (this.predecessor.isAlive()) {
			send(HandoverChannel.READY);
			told = awaitTakeOver();
			if (!told && this.predecessor.isAlive()) {
				return; // the old primary carries on and stops this one
			}
		}
		if (!told) {
			logger.warn("The old primary (pid " + predecessorPid() + ") exited before the hand-over; this primary "
					+ "takes over");
		}
		try {
			takeControl.take();
		}
		catch (IOException | RuntimeException ex) {
			send(HandoverChannel.FAILED + " the new primary could not open the control socket: " + ex.getMessage());
			giveUp.accept("The upgrade failed: could not open the control socket: " + ex.getMessage());
			return;
		}
		send(HandoverChannel.TAKEN);
		logger.info("Took over from the old primary (pid " + predecessorPid() + "): its workers finish their "
				+ "requests and exit");
	}

	private boolean awaitTakeOver() throws InterruptedException {
		while (true) {
			String message = this.channel.receive(POLL);
			if (HandoverChannel.TAKE_OVER.equals(message)) {
				return true;
			}
			if (HandoverChannel.CLOSED.equals(message) || !this.predecessor.isAlive()) {
				return false;
			}
		}
	}

	private void send(String message) {
		try {
			this.channel.send(message);
		}
		catch (IOException ex) {
			logger.debug("The old primary did not hear '" + message + "': " + ex.getMessage());
		}
	}

	/**
	 * Opens the control socket for the new primary.
	 */
	@FunctionalInterface
	public interface ControlTaker {

		/**
		 * Open the control socket under the old primary's name and write the pid files.
		 * @throws IOException if it cannot be opened
		 */
		void take() throws IOException;

	}

}
