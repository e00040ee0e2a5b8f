package io.clusterstarter.worker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

import io.clusterstarter.ClusterMessage;
import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.CurrentWorker;
import io.clusterstarter.event.PrimaryMessageEvent;
import io.clusterstarter.ipc.IpcConnection;
import io.clusterstarter.ipc.IpcMessage;
import io.clusterstarter.ipc.IpcProtocol;
import io.clusterstarter.ipc.IpcServer;
import io.clusterstarter.ipc.MessageCodec;
import io.clusterstarter.ipc.PendingRequests;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ApplicationEventPublisher;

/**
 * A worker's link to its primary: connects and authenticates early in start-up (which the primary
 * reports as {@code online}), reports when the server listens and the application is ready,
 * answers the primary's requests, and shuts the worker down when asked to, or when the primary is
 * gone, so that no orphan ever keeps serving the port.
 *
 * @author cluster-spring-boot-starter
 */
public final class WorkerRuntime implements CurrentWorker {

	private static final Log logger = LogFactory.getLog(WorkerRuntime.class);

	/**
	 * How long a worker that lost its primary may take to shut down gracefully before it halts.
	 */
	static final Duration ORPHAN_GRACE = Duration.ofSeconds(5);

	private final int id;

	private final int slot;

	private final long primaryPid;

	private final Path socketPath;

	private final String token;

	private final MessageCodec codec;

	private final Duration heartbeatInterval;

	private final PendingRequests requests = new PendingRequests();

	private final AtomicBoolean leaving = new AtomicBoolean();

	private final Map<String, UnaryOperator<JsonNode>> operations = new ConcurrentHashMap<>();

	/**
	 * Answers the primary's requests off the reader thread, so that a slow answer never holds
	 * up the messages behind it.
	 */
	private final ExecutorService answers = Executors.newSingleThreadExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "cluster-worker-answers");
		thread.setDaemon(true);
		return thread;
	});

	private volatile IpcConnection connection;

	private final LeadWorker lead;

	private volatile ApplicationEventPublisher publisher;

	/** Messages from the primary that came before the context started; {@code null} after. */
	private List<IpcMessage.UserMessage> inbox = new ArrayList<>();

	private final Object inboxLock = new Object();

	private boolean inboxOverflowLogged;

	/** Whether the worker starts while the cluster serves, and so warms up. */
	private volatile boolean warmsUp;

	WorkerRuntime(int id, int slot, long primaryPid, Path socketPath, String token, int maxMessageSize,
			Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
		this.id = id;
		this.slot = slot;
		this.primaryPid = primaryPid;
		this.socketPath = socketPath;
		this.token = token;
		this.codec = new MessageCodec(maxMessageSize);
		this.lead = new LeadWorker("worker " + id, () -> {
			IpcConnection current = this.connection;
			if (current != null) {
				current.send(new IpcMessage.LeadReleased());
			}
		});
	}

	/**
	 * Return the runtime described by the environment if this JVM is a worker: the variables
	 * are present and this JVM's parent is the primary they name.
	 * @param env the process environment
	 * @return the runtime, not yet connected, or empty when this JVM is not a worker
	 */
	public static Optional<WorkerRuntime> fromEnvironment(Map<String, String> env) {
		String id = env.get(WorkerEnvironment.WORKER_ID);
		String primaryPid = env.get(WorkerEnvironment.PRIMARY_PID);
		if (id == null || primaryPid == null) {
			return Optional.empty();
		}
		long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
		if (!primaryPid.equals(String.valueOf(parent))) {
			// Inherited from a worker by a program it started: that program is not a worker
			return Optional.empty();
		}
		WorkerRuntime runtime = new WorkerRuntime(Integer.parseInt(id),
				Integer.parseInt(env.getOrDefault(WorkerEnvironment.WORKER_SLOT, "0")), parent,
				Path.of(env.get(WorkerEnvironment.IPC_SOCKET)), env.get(WorkerEnvironment.WORKER_TOKEN),
				Integer.parseInt(env.getOrDefault(WorkerEnvironment.MAX_MESSAGE_SIZE, "1048576")),
				Duration.ofMillis(Long.parseLong(env.getOrDefault(WorkerEnvironment.HEARTBEAT_INTERVAL, "5000"))));
		runtime.warmsUp = Boolean.parseBoolean(env.get(WorkerEnvironment.WARMUP));
		return Optional.of(runtime);
	}

	/**
	 * Return whether this worker started while the cluster served, and so warms up before it
	 * takes connections when a warm-up is configured.
	 * @return whether it warms up
	 */
	public boolean warmsUp() {
		return this.warmsUp;
	}

	/**
	 * Connect to the primary and authenticate.
	 * @throws IOException if the primary cannot be reached
	 */
	public void connect() throws IOException {
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		channel.connect(UnixDomainSocketAddress.of(this.socketPath));
		this.connection = new IpcConnection(channel, this.codec, "primary");
		this.connection.send(new IpcMessage.Hello(this.id, this.token, IpcProtocol.VERSION));
		Thread reader = new Thread(this::readLoop, "cluster-worker-ipc");
		reader.setDaemon(true);
		reader.start();
		// A thread of its own, so that a busy application does not pass for a hung one
		Thread heartbeat = new Thread(this::beat, "cluster-worker-heartbeat");
		heartbeat.setDaemon(true);
		heartbeat.start();
		Runtime.getRuntime().addShutdownHook(new Thread(this::stopping, "cluster-worker-stopping"));
	}

	private void beat() {
		IpcMessage.Heartbeat heartbeat = new IpcMessage.Heartbeat();
		while (this.connection.send(heartbeat)) {
			sleep(this.heartbeatInterval);
		}
	}

	private void readLoop() {
		this.connection.readLoop(this::handle);
		this.requests.failAll("Primary is gone");
		if (this.leaving.compareAndSet(false, true)) {
			logger.warn("Worker " + this.id + " lost its primary; shutting down");
			// First: a worker whose graceful shutdown is quick would exit before it had removed it
			removeIpcDirectory();
			exit(1, ORPHAN_GRACE);
		}
	}

	private void handle(IpcMessage message) {
		if (message instanceof IpcMessage.Disconnect) {
			if (this.leaving.compareAndSet(false, true)) {
				logger.info("Worker " + this.id + " disconnecting at the primary's request");
				exit(0, null);
			}
		}
		else if (message instanceof IpcMessage.Response response) {
			this.requests.answered(response);
		}
		else if (message instanceof IpcMessage.Request request) {
			this.answers.execute(() -> answer(request));
		}
		else if (message instanceof IpcMessage.UserMessage user) {
			deliver(user);
		}
		else if (message instanceof IpcMessage.Lead lead) {
			if (lead.granted()) {
				this.lead.grant();
			}
			else {
				this.lead.revoke();
			}
		}
		else {
			logger.warn("Dropped an unexpected " + message.getClass().getSimpleName() + " from the primary");
		}
	}

	private void answer(IpcMessage.Request request) {
		UnaryOperator<JsonNode> operation = this.operations.get(request.operation());
		IpcMessage.Response response;
		if (operation == null) {
			response = new IpcMessage.Response(request.seq(), null,
					"Worker " + this.id + " does not answer '" + request.operation() + "'");
		}
		else {
			try {
				response = new IpcMessage.Response(request.seq(), operation.apply(request.argument()), null);
			}
			catch (RuntimeException ex) {
				logger.warn("Worker " + this.id + " failed to answer '" + request.operation() + "'", ex);
				response = new IpcMessage.Response(request.seq(), null, String.valueOf(ex.getMessage()));
			}
		}
		try {
			this.connection.send(response);
		}
		catch (IllegalArgumentException ex) {
			// Too large for the channel: say so, rather than leave the primary waiting
			logger.warn("Worker " + this.id + " could not send its answer to '" + request.operation() + "': "
					+ ex.getMessage());
			this.connection.send(new IpcMessage.Response(request.seq(), null, ex.getMessage()));
		}
	}

	/**
	 * Answer the primary's requests for an operation from now on.
	 * @param operation the operation's name
	 * @param answer computes the answer from the request's argument (which may be
	 * {@code null}); runs on a thread of its own
	 */
	public void answer(String operation, UnaryOperator<JsonNode> answer) {
		this.operations.put(operation, answer);
	}

	/**
	 * Exit from a thread of its own: {@code System.exit} runs the shutdown hooks, among them
	 * Spring's graceful shutdown, and blocks its caller until they finish.
	 */
	private void exit(int status, Duration grace) {
		if (grace != null) {
			Thread halt = new Thread(() -> {
				sleep(grace);
				logger.warn("Worker " + this.id + " did not stop within " + grace.toSeconds() + " s; halting");
				Runtime.getRuntime().halt(status);
			}, "cluster-worker-halt");
			halt.setDaemon(true);
			halt.start();
		}
		new Thread(() -> System.exit(status), "cluster-worker-exit").start();
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The primary cannot clean up after a SIGKILL; its workers remove the IPC directory instead,
	 * but only once the primary is really gone: a live primary still needs its socket.
	 */
	private void removeIpcDirectory() {
		// The kernel closes a dying process's sockets before the process is gone: give it a moment
		for (int i = 0; i < 20 && primaryAlive(); i++) {
			sleep(Duration.ofMillis(100));
		}
		if (primaryAlive()) {
			return;
		}
		try {
			IpcServer.deleteDirectory(this.socketPath.getParent());
		}
		catch (IOException ex) {
			// Another worker got there first
		}
	}

	private boolean primaryAlive() {
		return ProcessHandle.of(this.primaryPid).map(ProcessHandle::isAlive).orElse(false);
	}

	private void stopping() {
		if (this.leaving.compareAndSet(false, true)) {
			this.connection.send(new IpcMessage.Stopping());
		}
	}

	/**
	 * Publish a message from the primary, or keep it until the application context can: a
	 * message published while the context is still being created would miss the
	 * {@code @EventListener} methods, which are registered only at the end of its refresh.
	 */
	private void deliver(IpcMessage.UserMessage message) {
		synchronized (this.inboxLock) {
			if (this.inbox != null) {
				if (this.inbox.size() < IpcMessage.UserMessage.MAX_WAITING) {
					this.inbox.add(message);
				}
				else if (!this.inboxOverflowLogged) {
					this.inboxOverflowLogged = true;
					logger.warn("Worker " + this.id + " dropped messages from the primary: more than "
							+ IpcMessage.UserMessage.MAX_WAITING + " arrived before its application context started");
				}
				return;
			}
			publish(message);
		}
	}

	private void publish(IpcMessage.UserMessage message) {
		this.publisher.publishEvent(new PrimaryMessageEvent(this, new ClusterMessage(message.payload(),
				this.codec::fromTree)));
	}

	/**
	 * The application context has started: publish the messages from the primary that waited
	 * for it, in the order they came, and every later one as it comes.
	 * @param publisher the application context
	 */
	public void attach(ApplicationEventPublisher publisher) {
		synchronized (this.inboxLock) {
			this.publisher = publisher;
			for (IpcMessage.UserMessage waiting : this.inbox) {
				try {
					publish(waiting);
				}
				catch (RuntimeException ex) {
					// As on the reader thread: a failing listener costs its message, not the others
					logger.error("A listener failed on a message from the primary", ex);
				}
			}
			this.inbox = null;
		}
	}

	/**
	 * Report a bound web server.
	 * @param namespace the server namespace, {@code null} for the application's server
	 * @param address the bound address
	 * @param port the bound port
	 */
	public void listening(String namespace, String address, int port) {
		this.connection.send(new IpcMessage.Listening(namespace, address, port));
	}

	/**
	 * Report where the warm-up is.
	 * @param warmup the warm-up's progress, or its end
	 */
	public void warmup(ClusterSnapshot.Warmup warmup) {
		this.connection.send(new IpcMessage.Warmup(warmup));
	}

	/**
	 * Report that the application is ready.
	 */
	public void ready() {
		this.connection.send(new IpcMessage.Ready());
	}

	/**
	 * Report this worker's figures.
	 * @param stats the figures
	 */
	public void report(IpcMessage.Stats stats) {
		IpcConnection current = this.connection;
		if (current != null) {
			current.send(stats);
		}
	}

	/**
	 * Ask the primary for its view of the cluster.
	 * @param timeout how long to wait
	 * @return the primary's view
	 * @throws PrimaryUnavailableException if the primary is not connected or does not answer in
	 * time
	 */
	public ClusterSnapshot status(Duration timeout) {
		return this.codec.fromTree(request("status", null, timeout), ClusterSnapshot.class);
	}

	/**
	 * Ask the primary something and wait for the answer.
	 * @param operation the operation
	 * @param argument the operation's argument, or {@code null}
	 * @param timeout how long to wait
	 * @return the answer
	 * @throws PrimaryUnavailableException if the primary is not connected or does not answer in
	 * time
	 * @throws IllegalStateException if the primary answers with an error
	 */
	public JsonNode request(String operation, JsonNode argument, Duration timeout) {
		CompletableFuture<JsonNode> future = this.requests.send(this.connection, operation, argument);
		if (future == null) {
			throw new PrimaryUnavailableException("The primary is not connected");
		}
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new PrimaryUnavailableException("The primary did not answer within " + timeout.toMillis() + " ms");
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof IOException) {
				throw new PrimaryUnavailableException("The channel to the primary closed: " + ex.getCause().getMessage());
			}
			throw new IllegalStateException(ex.getCause().getMessage(), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the primary", ex);
		}
		finally {
			// Forget a request that timed out; a late answer then finds nobody waiting
			future.cancel(false);
		}
	}

	/**
	 * Tell the primary about something every worker keeps of its own that splits the
	 * application's state between the workers. The primary logs each notice once for the
	 * cluster's life, however many workers send it; nothing waits for its answer.
	 * @param key what the notice is about, the same in every worker
	 * @param text the warning
	 * @param severalWorkersOnly whether it matters only while the cluster keeps more than one
	 * worker
	 */
	public void notice(String key, String text, boolean severalWorkersOnly) {
		this.requests.send(this.connection, "notice",
				this.codec.toTree(Map.of("key", key, "text", text, "severalWorkersOnly", severalWorkersOnly)));
	}

	/**
	 * Return the codec, to convert answers.
	 * @return the codec
	 */
	public MessageCodec codec() {
		return this.codec;
	}

	@Override
	public int id() {
		return this.id;
	}

	@Override
	public int slot() {
		return this.slot;
	}

	@Override
	public boolean send(Object message) {
		IpcConnection current = this.connection;
		return current != null && current.send(new IpcMessage.UserMessage(this.codec.toTree(message)));
	}

	@Override
	public void disconnect() {
		if (this.leaving.compareAndSet(false, true)) {
			this.connection.send(new IpcMessage.Disconnect());
			exit(0, null);
		}
	}

	/**
	 * Return whether this worker is the lead worker, and the calls running as lead.
	 * @return the lead state
	 */
	public LeadWorker lead() {
		return this.lead;
	}

	@Override
	public boolean isLead() {
		return this.lead.isLead();
	}

	@Override
	public boolean isConnected() {
		IpcConnection current = this.connection;
		return current != null && current.isOpen();
	}

}
