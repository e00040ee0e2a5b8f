package io.clusterstarter.event;

import io.clusterstarter.Worker;

/**
 * A worker's IPC channel closed. Always precedes the worker's {@link WorkerExitEvent}.
 *
 * @author cluster-spring-boot-starter
 */
public class WorkerDisconnectEvent extends WorkerEvent {

	/**
	 * Create an event.
	 * @param worker the worker
	 */
	public WorkerDisconnectEvent(Worker worker) {
		super(worker);
	}

}
