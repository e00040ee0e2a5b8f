package io.clusterstarter;

import java.util.Locale;

/**
 * The life of a worker as the primary sees it. A worker moves forward only.
 *
 * @author cluster-spring-boot-starter
 */
public enum WorkerState {

	/** The process is started; its channel is not connected yet. */
	FORKED,

	/** The channel is connected; the application is starting. */
	ONLINE,

	/**
	 * The application is ready and warms up ({@code cluster.warmup}) before it takes
	 * connections.
	 */
	WARMING,

	/** The worker's web server is bound to the shared port. */
	LISTENING,

	/** The worker is shutting down. */
	DISCONNECTING,

	/** The process has exited. */
	DEAD;

	/**
	 * Return the state's name as shown in JSON, lower case.
	 * @return the name
	 */
	public String displayName() {
		return name().toLowerCase(Locale.ROOT);
	}

}
