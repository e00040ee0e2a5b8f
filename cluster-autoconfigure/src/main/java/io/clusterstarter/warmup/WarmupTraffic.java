package io.clusterstarter.warmup;

/**
 * Tells a warm-up request from a user's: warm-up requests, and only they, arrive on the private
 * loopback port of the warm-up listener, which nothing outside the worker is told of and which
 * closes before the worker takes its first connection. Request counts and the request metrics
 * ask here, so that a warm-up never shows as traffic, nor brings a recycle by requests closer.
 *
 * @author cluster-spring-boot-starter
 */
public final class WarmupTraffic {

	/** The port of the warm-up listener while it is open, else 0. */
	private static volatile int port;

	private WarmupTraffic() {
	}

	/**
	 * Return whether a request that arrived on a local port is a warm-up request.
	 * @param localPort the port the request arrived on
	 * @return whether it came from the warm-up
	 */
	public static boolean isWarmup(int localPort) {
		int current = port;
		return current != 0 && current == localPort;
	}

	static void started(int listenerPort) {
		port = listenerPort;
	}

	static void ended() {
		port = 0;
	}

}
