package io.clusterstarter.port;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Holds a worker's listeners back until the worker is ready. The kernel hands connections to every
 * listener in a port's {@code SO_REUSEPORT} group from the moment it listens, and Spring Boot
 * starts its web server before the application's runners and its readiness check: a worker that
 * then fails, or never gets ready (a release being deployed, a replacement), would answer real
 * requests meanwhile. So a Tomcat endpoint of this starter opens its socket at start-up but joins
 * the group only when the gate opens, once the worker's readiness check has passed; a worker that
 * is never ready never gets a connection. Outside a worker the gate is open from the start.
 * <p>
 * The gate also closes first when the worker leaves ({@link #leave()}): the acceptors of the
 * shared queue stop taking connections as the application context starts to close, before the
 * servers' graceful shutdown, so that what the worker accepted has been read, and is waited for,
 * by the time that shutdown looks at its connections; the rest waits in the queue for the other
 * workers.
 *
 * @author cluster-spring-boot-starter
 */
public final class ListenGate {

	private static final Log logger = LogFactory.getLog(ListenGate.class);

	private static final ListenGate gate = new ListenGate();

	/** What runs when the gate opens: endpoints binding, then the listening reports. */
	private final Moment opening = new Moment("Could not start listening: ", true);

	/** What runs when the worker leaves: acceptors stopping. */
	private final Moment leaving = new Moment("Could not stop accepting: ", false);

	/** Whether the gate has been opened, after which it never closes again; guarded by {@code this}. */
	private boolean opened;

	/** What waits for the gate to open, or for the worker to leave. */
	@FunctionalInterface
	public interface Action {

		/**
		 * Run once the moment has come.
		 * @throws IOException if a listener cannot be bound
		 */
		void run() throws IOException;

	}

	ListenGate() {
	}

	/**
	 * Close the gate: this JVM is a worker, whose listeners wait until it is ready.
	 */
	public static void closeUntilReady() {
		gate.close();
	}

	/**
	 * Run an action now if the gate is open, or once it opens.
	 * @param action the action
	 * @throws IOException if the action, run now, fails
	 */
	public static void whenOpen(Action action) throws IOException {
		gate.runWhenOpen(action);
	}

	/**
	 * Open the gate: bind the listeners that waited, then run what waited for them, in the
	 * order they came.
	 */
	public static void open() {
		gate.openNow();
	}

	/**
	 * Run an action when the worker leaves, or now if it has left.
	 * @param action the action, which must return within a bounded time
	 */
	public static void whenLeaving(Runnable action) {
		try {
			gate.runWhenLeaving(action::run);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex); // a Runnable throws none
		}
	}

	/**
	 * The worker leaves: stop every acceptor that asked to be told, in the order they came.
	 */
	public static void leave() {
		gate.leaveNow();
	}

	void close() {
		synchronized (this) {
			if (this.opened) {
				return;
			}
		}
		this.opening.hold();
	}

	void runWhenOpen(Action action) throws IOException {
		this.opening.runWhenCome(action);
	}

	void openNow() {
		synchronized (this) {
			this.opened = true;
		}
		this.opening.come();
	}

	void runWhenLeaving(Action action) throws IOException {
		this.leaving.runWhenCome(action);
	}

	void leaveNow() {
		this.leaving.come();
	}

	/**
	 * A moment that actions wait for: they run when it comes, in the order they came, or at
	 * once when it has come already.
	 */
	private static final class Moment {

		private final String failure;

		private final List<Action> waiting = new ArrayList<>();

		private boolean come;

		Moment(String failure, boolean come) {
			this.failure = failure;
			this.come = come;
		}

		synchronized void hold() {
			this.come = false;
		}

		void runWhenCome(Action action) throws IOException {
			synchronized (this) {
				if (!this.come) {
					this.waiting.add(action);
					return;
				}
			}
			action.run();
		}

		void come() {
			List<Action> actions;
			synchronized (this) {
				this.come = true;
				actions = List.copyOf(this.waiting);
				this.waiting.clear();
			}
			for (Action action : actions) {
				try {
					action.run();
				}
				catch (IOException | RuntimeException ex) {
					logger.error(this.failure + ex.getMessage(), ex);
				}
			}
		}

	}

}
