package io.clusterstarter.event;

import io.clusterstarter.ClusterMessage;

import org.springframework.context.ApplicationEvent;

/**
 * Published in a worker's application context when the primary sends it a message. Listeners run
 * on the thread that reads the channel to the primary: hand long work to another thread, or later
 * messages (a request to disconnect among them) wait for it. Messages that arrive while the
 * context is still starting are published, in order, once it has started (before
 * {@code ApplicationRunner}s run), so that {@code @EventListener} methods receive them.
 *
 * @author cluster-spring-boot-starter
 */
public class PrimaryMessageEvent extends ApplicationEvent {

	private final transient ClusterMessage message;

	/**
	 * Create an event.
	 * @param source the worker's cluster
	 * @param message the message
	 */
	public PrimaryMessageEvent(Object source, ClusterMessage message) {
		super(source);
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
