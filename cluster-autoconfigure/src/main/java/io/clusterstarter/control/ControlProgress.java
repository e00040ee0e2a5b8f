package io.clusterstarter.control;

import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;

import io.clusterstarter.observe.RecentEvents;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;

/**
 * The cluster's lifecycle events as lines a person reads, for the commands that wait (reload,
 * deploy, scale, restart, stop) to show their progress. A listener in the primary's context: it
 * only queues the lines (bounded, never blocking the primary's loop); each waiting command reads
 * its own queue.
 *
 * @author cluster-spring-boot-starter
 */
public final class ControlProgress implements ApplicationListener<ApplicationEvent> {

	private static final int QUEUE = 1_000;

	private final Set<Subscription> subscriptions = new CopyOnWriteArraySet<>();

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		String line = RecentEvents.describe(event);
		if (line == null) {
			return;
		}
		this.subscriptions.forEach((subscription) -> subscription.lines.offer(line));
	}

	/**
	 * Start receiving the lines; close the subscription when done.
	 * @return the subscription
	 */
	public Subscription subscribe() {
		Subscription subscription = new Subscription();
		this.subscriptions.add(subscription);
		return subscription;
	}

	/**
	 * The lines for one waiting command.
	 */
	public final class Subscription implements AutoCloseable {

		private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE);

		private Subscription() {
		}

		/**
		 * Wait for the next line.
		 * @param timeoutMillis how long to wait
		 * @return the line, or {@code null} if none came in time
		 * @throws InterruptedException if interrupted
		 */
		public String next(long timeoutMillis) throws InterruptedException {
			return this.lines.poll(timeoutMillis, TimeUnit.MILLISECONDS);
		}

		@Override
		public void close() {
			ControlProgress.this.subscriptions.remove(this);
		}

	}

}
