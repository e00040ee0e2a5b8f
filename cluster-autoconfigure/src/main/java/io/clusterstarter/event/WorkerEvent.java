package io.clusterstarter.event;

import io.clusterstarter.Worker;

import org.springframework.context.ApplicationEvent;

/**
 * Base class of the events the primary publishes about one worker. For each worker they arrive in
 * the order fork, online, listening, (messages), disconnect, exit, on one thread: a listener that
 * blocks delays every later cluster event.
 *
 * @author cluster-spring-boot-starter
 */
public abstract class WorkerEvent extends ApplicationEvent {

	private final transient Worker worker;

	/**
	 * Create an event.
	 * @param worker the worker
	 */
	protected WorkerEvent(Worker worker) {
		super(worker);
		this.worker = worker;
	}

	/**
	 * Return the worker the event is about.
	 * @return the worker
	 */
	public Worker getWorker() {
		return this.worker;
	}

}
