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
 *
 * @author cluster-spring-boot-starter
 */
public final class ListenGate {

	private static final Log logger = LogFactory.getLog(ListenGate.class);

	private static final ListenGate gate = new ListenGate();

	private boolean closed;

	private boolean open;

	/** What runs when the gate opens: endpoints binding, then the listening reports. */
	private final List<Action> waiting = new ArrayList<>();

	/** What waits for the gate to open. */
	@FunctionalInterface
	public interface Action {

		/**
		 * Run once the gate is open.
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

	synchronized void close() {
		if (!this.open) {
			this.closed = true;
		}
	}

	void runWhenOpen(Action action) throws IOException {
		synchronized (this) {
			if (this.closed) {
				this.waiting.add(action);
				return;
			}
		}
		action.run();
	}

	void openNow() {
		List<Action> actions;
		synchronized (this) {
			this.closed = false;
			this.open = true;
			actions = List.copyOf(this.waiting);
			this.waiting.clear();
		}
		for (Action action : actions) {
			try {
				action.run();
			}
			catch (IOException | RuntimeException ex) {
				logger.error("Could not start listening: " + ex.getMessage(), ex);
			}
		}
	}

}
