package io.clusterstarter.worker;

/**
 * The environment variables the primary gives each worker. Together they tell a JVM it is a
 * worker, as {@code NODE_UNIQUE_ID} does in Node.
 *
 * @author cluster-spring-boot-starter
 */
public final class WorkerEnvironment {

	/** The worker's id. */
	public static final String WORKER_ID = "CLUSTER_WORKER_ID";

	/** The worker's slot. */
	public static final String WORKER_SLOT = "CLUSTER_WORKER_SLOT";

	/**
	 * The primary's pid. A JVM is a worker only if its parent has this pid, so that programs a
	 * worker starts, which inherit its environment, are not mistaken for workers.
	 */
	public static final String PRIMARY_PID = "CLUSTER_PRIMARY_PID";

	/** Path of the primary's IPC socket. */
	public static final String IPC_SOCKET = "CLUSTER_IPC_SOCKET";

	/** The secret that authenticates the worker on the IPC socket. */
	public static final String WORKER_TOKEN = "CLUSTER_WORKER_TOKEN";

	/** Largest IPC message in bytes. */
	public static final String MAX_MESSAGE_SIZE = "CLUSTER_IPC_MAX_MESSAGE_SIZE";

	/** The port the primary chose for the application's server. */
	public static final String SERVER_PORT = "CLUSTER_SERVER_PORT";

	/** The port the primary chose for a separate management server. */
	public static final String MANAGEMENT_PORT = "CLUSTER_MANAGEMENT_PORT";

	/** The worker's own log file, when the application logs to a file. */
	public static final String LOG_FILE = "CLUSTER_LOG_FILE";

	private WorkerEnvironment() {
	}

}
