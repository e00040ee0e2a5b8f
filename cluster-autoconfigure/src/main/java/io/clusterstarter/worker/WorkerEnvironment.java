package io.clusterstarter.worker;

/**
 * The environment variables the primary gives each worker. Together they tell a JVM it is a
 * worker, as {@code NODE_UNIQUE_ID} does in Node. Their prefix is not {@code CLUSTER_}, because
 * Spring Boot binds {@code CLUSTER_*} variables to {@code cluster.*} properties.
 *
 * @author cluster-spring-boot-starter
 */
public final class WorkerEnvironment {

	/** The worker's id. */
	public static final String WORKER_ID = "CLUSTERSTARTER_WORKER_ID";

	/** The worker's slot. */
	public static final String WORKER_SLOT = "CLUSTERSTARTER_WORKER_SLOT";

	/**
	 * The primary's pid. A JVM is a worker only if its parent has this pid, so that programs a
	 * worker starts, which inherit its environment, are not mistaken for workers.
	 */
	public static final String PRIMARY_PID = "CLUSTERSTARTER_PRIMARY_PID";

	/** Path of the primary's IPC socket. */
	public static final String IPC_SOCKET = "CLUSTERSTARTER_IPC_SOCKET";

	/** The secret that authenticates the worker on the IPC socket. */
	public static final String WORKER_TOKEN = "CLUSTERSTARTER_WORKER_TOKEN";

	/** Largest IPC message in bytes. */
	public static final String MAX_MESSAGE_SIZE = "CLUSTERSTARTER_IPC_MAX_MESSAGE_SIZE";

	/** How often the worker sends a heartbeat, in milliseconds. */
	public static final String HEARTBEAT_INTERVAL = "CLUSTERSTARTER_HEARTBEAT_INTERVAL";

	/** The port the primary chose for the application's server. */
	public static final String SERVER_PORT = "CLUSTERSTARTER_SERVER_PORT";

	/** The port the primary chose for a separate management server. */
	public static final String MANAGEMENT_PORT = "CLUSTERSTARTER_MANAGEMENT_PORT";

	/**
	 * How the worker takes connections on the server port: {@code shared-queue}, from the
	 * listening socket it inherited as standard input, or {@code reuse-port}, from a listener of
	 * its own.
	 */
	public static final String BALANCING = "CLUSTERSTARTER_BALANCING";

	/**
	 * {@code true} when the worker starts while the cluster serves, and so warms up before it
	 * takes connections ({@code cluster.warmup}).
	 */
	public static final String WARMUP = "CLUSTERSTARTER_WARMUP";

	/** The worker's own log file, when the application logs to a file. */
	public static final String LOG_FILE = "CLUSTERSTARTER_LOG_FILE";

	/**
	 * The pid of the primary whose worker image a training run prepares: the run ends when that
	 * primary does, so that nothing it started outlives it.
	 */
	public static final String TRAINING_PRIMARY_PID = "CLUSTERSTARTER_TRAINING_PRIMARY_PID";

	private WorkerEnvironment() {
	}

}
