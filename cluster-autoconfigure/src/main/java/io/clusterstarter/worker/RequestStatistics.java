package io.clusterstarter.worker;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the HTTP requests a worker serves, for its reports to the primary. Counting is two
 * {@link LongAdder} updates per request, cheap enough to stay on by default.
 *
 * @author cluster-spring-boot-starter
 */
public class RequestStatistics {

	private final LongAdder served = new LongAdder();

	private final LongAdder inFlight = new LongAdder();

	/**
	 * A request has started.
	 */
	public void started() {
		this.inFlight.increment();
	}

	/**
	 * A request has completed, successfully or not.
	 */
	public void completed() {
		this.inFlight.decrement();
		this.served.increment();
	}

	/**
	 * Return the number of requests completed.
	 * @return requests served
	 */
	public long served() {
		return this.served.sum();
	}

	/**
	 * Return the number of requests in progress.
	 * @return requests in flight
	 */
	public long inFlight() {
		return Math.max(0, this.inFlight.sum());
	}

}
