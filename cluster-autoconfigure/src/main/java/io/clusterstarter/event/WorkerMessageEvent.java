package io.clusterstarter.event;

import io.clusterstarter.ClusterMessage;
import io.clusterstarter.Worker;

/**
 * A worker sent a user message to the primary.
 *
 * @author cluster-spring-boot-starter
 */
public class WorkerMessageEvent extends WorkerEvent {

	private final transient ClusterMessage message;

	/**
	 * Create an event.
	 * @param worker the sender
	 * @param message the message
	 */
	public WorkerMessageEvent(Worker worker, ClusterMessage message) {
		super(worker);
		this.message = message;
	}

	/**
	 * Return the message.
	 * @return the message
	 */
	public ClusterMessage getMessage() {
		return this.message;
	}

}
