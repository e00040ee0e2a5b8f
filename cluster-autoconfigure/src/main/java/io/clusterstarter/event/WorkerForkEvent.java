package io.clusterstarter.event;

import io.clusterstarter.Worker;

/**
 * The primary forked a worker process.
 *
 * @author cluster-spring-boot-starter
 */
public class WorkerForkEvent extends WorkerEvent {

	/**
	 * Create an event.
	 * @param worker the worker
	 */
	public WorkerForkEvent(Worker worker) {
		super(worker);
	}

}
