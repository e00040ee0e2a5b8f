package io.clusterstarter;

/**
 * The primary's handle on one worker JVM, after Node.js's {@code Worker}.
 *
 * @author cluster-spring-boot-starter
 */
public interface Worker {

	/**
	 * Return the worker's id: unique in this primary, starting at 1, never reused.
	 * @return the id
	 */
	int id();

	/**
	 * Return the worker's slot, {@code 0} to {@code cluster.workers - 1}. A replacement takes
	 * the slot of the worker it replaces.
	 * @return the slot
	 */
	int slot();

	/**
	 * Return the worker's process id.
	 * @return the pid
	 */
	long pid();

	/**
	 * Return the worker's process.
	 * @return the process handle
	 */
	ProcessHandle process();

	/**
	 * Return the worker's state.
	 * @return the state
	 */
	WorkerState state();

	/**
	 * Send a message to the worker, where it arrives as a
	 * {@link io.clusterstarter.event.PrimaryMessageEvent}. The message is written as JSON.
	 * Messages arrive in the order they were sent, however early: one sent before the worker
	 * has connected (from a fork listener) waits for the connection, and the worker keeps those
	 * that arrive before its application context has started until its listeners can receive
	 * them (up to 1000 at each end).
	 * @param message the message
	 * @return {@code true} if it was sent or waits for the worker, {@code false} if it cannot be
	 * delivered: the channel is closed, or the worker left before it connected
	 * @throws IllegalArgumentException if the message cannot be written as JSON or is larger
	 * than {@code cluster.ipc.max-message-size}
	 */
	boolean send(Object message);

	/**
	 * Terminate the worker with SIGTERM, without disconnecting first, as Node does. The worker's
	 * own shutdown hooks still run. The exit counts as unexpected, so the worker is replaced.
	 */
	void kill();

	/**
	 * Ask the worker to shut down gracefully: in-flight requests complete, then it exits. A
	 * worker disconnected this way is not replaced.
	 * @return this worker
	 */
	Worker disconnect();

	/**
	 * Return whether the IPC channel to the worker is open.
	 * @return whether the worker is connected
	 */
	boolean isConnected();

	/**
	 * Return whether the worker's process has exited.
	 * @return whether the worker is dead
	 */
	boolean isDead();

	/**
	 * Return whether the worker exited (or is exiting) because it was disconnected, by the
	 * primary or by itself, rather than by a crash or a signal.
	 * @return whether the exit was planned
	 */
	boolean exitedAfterDisconnect();

}
