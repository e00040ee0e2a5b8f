package io.clusterstarter.port;

import java.util.concurrent.TimeUnit;

/**
 * Lets a leaving worker's keep-alive connections end cleanly. Once the worker has stopped
 * accepting, its server's graceful shutdown would close every connection without a request in
 * progress, and a client that sends its next request on one of them just then loses it. So for a
 * bounded time first, every response says {@code Connection: close} (the filters in this package
 * mark them), and the worker waits until no request has started for a moment: each busy client has
 * been told to reconnect, which puts it in the shared queue, for the other workers. Jetty's and
 * Reactor Netty's shared-queue channels drain so when the worker leaves. Tomcat's endpoint has its
 * own way ({@link LeavingNioEndpoint}: keep-alive off after the pause), which keeps chunked
 * answers chunked; told {@code Connection: close} by the application, Tomcat would end them at the
 * connection's close instead.
 *
 * @author cluster-spring-boot-starter
 */
public final class LeavingConnections {

	/** No request for this long: every busy connection has been told to close. */
	private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	/** The longest a leaving worker waits; an idle keep-alive client is closed after it. */
	private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static volatile boolean closing;

	private static volatile long lastRequest = System.nanoTime() - QUIET_NANOS;

	private LeavingConnections() {
	}

	/**
	 * A request has started.
	 * @return whether its response should close the connection
	 */
	public static boolean requestStarted() {
		lastRequest = System.nanoTime();
		return closing;
	}

	/**
	 * Close connections after their next response, and wait, for a bounded time, until no
	 * request has started for a moment.
	 */
	static void drain() {
		closing = true;
		long deadline = System.nanoTime() + DRAIN_NANOS;
		while (System.nanoTime() - lastRequest < QUIET_NANOS && System.nanoTime() < deadline) {
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
