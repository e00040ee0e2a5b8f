package io.clusterstarter.event;

import io.clusterstarter.Worker;

/**
 * A worker connected its IPC channel: the JVM is up and the application is starting.
 *
 * @author cluster-spring-boot-starter
 */
public class WorkerOnlineEvent extends WorkerEvent {

	/**
	 * Create an event.
	 * @param worker the worker
	 */
	public WorkerOnlineEvent(Worker worker) {
		super(worker);
	}

}
