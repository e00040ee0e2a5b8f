package io.clusterstarter.port;

/**
 * How connections on {@code server.port} reach the workers, as the primary chose it at start: one
 * queue the primary listens on and every ready worker accepts from, or a {@code SO_REUSEPORT}
 * listener per worker that the kernel hashes connections to.
 *
 * @param shared whether the workers accept from the primary's one queue
 * @param reason why this model runs, for the log
 * @param nativeAccessWarning whether the JDK warns about the native call that passes the
 * socket to the workers, because native access is not enabled for the starter
 * @author cluster-spring-boot-starter
 */
public record AcceptQueue(boolean shared, String reason, boolean nativeAccessWarning) {

	/** The name of the shared queue, as {@code cluster.balancing} and the status show it. */
	public static final String SHARED_QUEUE = "shared-queue";

	/** The name of a listener per worker, as {@code cluster.balancing} and the status show it. */
	public static final String REUSE_PORT = "reuse-port";

	/**
	 * Choose the model.
	 * @param requested {@link #SHARED_QUEUE}, {@link #REUSE_PORT}, or {@code null} for the shared
	 * queue wherever it is available
	 * @return the choice
	 * @throws IllegalStateException if the shared queue is requested but not available here,
	 * with the reason as its message
	 */
	public static AcceptQueue choose(String requested) {
		if (REUSE_PORT.equals(requested)) {
			return reusePort("cluster.balancing=" + REUSE_PORT);
		}
		String unavailable = StandardInput.unavailableReason();
		if (unavailable == null) {
			// Asked before the call: once it has warned, the JDK reports native access as enabled
			return new AcceptQueue(true, "cluster.balancing=" + ((requested != null) ? requested : "auto"),
					!StandardInput.isNativeAccessEnabled());
		}
		if (SHARED_QUEUE.equals(requested)) {
			throw new IllegalStateException(unavailable);
		}
		return reusePort("the shared queue is not available: " + unavailable);
	}

	/**
	 * The model of a listener per worker.
	 * @param reason why it runs
	 * @return the choice
	 */
	public static AcceptQueue reusePort(String reason) {
		return new AcceptQueue(false, reason, false);
	}

	/**
	 * Return the model's name, as {@code cluster.balancing} and the status show it.
	 * @return the name
	 */
	public String mode() {
		return this.shared ? SHARED_QUEUE : REUSE_PORT;
	}

	/**
	 * Say how the workers get their connections, for the log.
	 * @param port the port
	 * @return one line
	 */
	public String describe(int port) {
		if (!this.shared) {
			return "Workers listen on port " + port + " with SO_REUSEPORT and the kernel spreads new connections "
					+ "between them (" + this.reason + ")";
		}
		String line = "Workers accept from one queue on port " + port + " that the primary listens on (" + this.reason
				+ ")";
		if (this.nativeAccessWarning) {
			line += "; the JDK warns once about the native call that passes the socket to the workers unless the "
					+ "jar's manifest has 'Enable-Native-Access: ALL-UNNAMED' or the primary runs with "
					+ "--enable-native-access=ALL-UNNAMED";
		}
		return line;
	}

}
