package io.clusterstarter;

/**
 * The current worker, seen from inside the worker JVM.
 *
 * @author cluster-spring-boot-starter
 */
public interface CurrentWorker {

	/**
	 * Return this worker's id.
	 * @return the id
	 */
	int id();

	/**
	 * Return this worker's slot.
	 * @return the slot
	 */
	int slot();

	/**
	 * Send a message to the primary, where it arrives as a
	 * {@link io.clusterstarter.event.WorkerMessageEvent}. The message is written as JSON.
	 * @param message the message
	 * @return {@code true} if it was sent, {@code false} if the channel is closed
	 * @throws IllegalArgumentException if the message cannot be written as JSON or is larger
	 * than {@code cluster.ipc.max-message-size}
	 */
	boolean send(Object message);

	/**
	 * Tell the primary this worker is leaving, then shut down gracefully. The primary does not
	 * replace it.
	 */
	void disconnect();

	/**
	 * Return whether the channel to the primary is open.
	 * @return whether this worker is connected
	 */
	boolean isConnected();

	/**
	 * Return whether this worker is the cluster's lead worker now: the one worker that runs
	 * {@link OnOneWorker @OnOneWorker} methods. The primary chooses it among the serving
	 * workers and moves the lead when it leaves.
	 * @return whether this worker is the lead worker
	 */
	boolean isLead();

}
