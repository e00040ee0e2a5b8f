package io.clusterstarter.primary;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.Worker;
import io.clusterstarter.WorkerState;
import io.clusterstarter.deploy.Release;
import io.clusterstarter.image.ImageLaunch;
import io.clusterstarter.ipc.IpcConnection;
import io.clusterstarter.ipc.IpcMessage;
import io.clusterstarter.ipc.MessageCodec;
import io.clusterstarter.ipc.PendingRequests;
import io.clusterstarter.resources.WorkerSizing;
import io.clusterstarter.supervise.SupervisedWorker;
import tools.jackson.databind.JsonNode;

/**
 * The primary's record of one worker process. Its state changes only on the cluster's event
 * loop; the fields are volatile so that any thread can read a consistent recent value.
 *
 * @author cluster-spring-boot-starter
 */
final class ManagedWorker implements SupervisedWorker {

	private final int id;

	private final int slot;

	private final String token;

	private final Process process;

	private final Instant startTime = Instant.now();

	private final MessageCodec codec;

	private final PrimaryCluster cluster;

	private final CompletableFuture<Void> exitHandled = new CompletableFuture<>();

	private volatile WorkerState state = WorkerState.FORKED;

	private volatile IpcConnection connection;

	private volatile boolean exitedAfterDisconnect;

	private volatile boolean ready;

	private boolean disconnectPublished;

	private volatile IpcMessage.Stats stats;

	private volatile Instant lastHeartbeat;

	private volatile String killedBecause;

	private volatile Instant statsTime;

	private volatile Double requestRate;

	/** The worker's own log file, or {@code null} when the application logs to no file. */
	private final String logFile;

	/** When it started leaving, to kill it if it never exits. */
	private volatile Instant leavingSince;

	/** The worker image it was launched from, or {@code null}. */
	private final ImageLaunch image;

	/** What its JVM was given of the memory and processors. */
	private final WorkerSizing sizing;

	/** The release it runs. */
	private final Release release;

	/** How long it took from fork to serving, once it serves. */
	private volatile Duration startup;

	/** Whether its JVM mapped the image's cache, once it serves. */
	private volatile Boolean fromImage;

	/** The worker's warm-up as it last reported it, or {@code null} without one. */
	private volatile ClusterSnapshot.Warmup warmup;

	/** Requests after which the worker is recycled, jitter included; 0 for no limit. */
	private final long requestLimit;

	/** Set once a replacement of this worker has failed: it is not recycled again. */
	private boolean recycleRefused;

	private final PendingRequests requests = new PendingRequests();

	/** Messages sent before the worker connected; {@code null} once it has. */
	private List<IpcMessage.UserMessage> outbox = new ArrayList<>();

	private final Object outboxLock = new Object();

	ManagedWorker(int id, int slot, String token, WorkerProcesses.Started started, MessageCodec codec,
			PrimaryCluster cluster, long requestLimit, Release release) {
		this.id = id;
		this.image = started.image();
		this.sizing = started.sizing();
		this.release = release;
		this.logFile = started.logFile();
		this.requestLimit = requestLimit;
		this.slot = slot;
		this.token = token;
		this.process = started.process();
		this.codec = codec;
		this.cluster = cluster;
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
	public long pid() {
		return this.process.pid();
	}

	@Override
	public ProcessHandle process() {
		return this.process.toHandle();
	}

	@Override
	public WorkerState state() {
		return this.state;
	}

	/**
	 * Send a message; one sent before the worker has connected (from a fork listener, say) waits
	 * for the connection, as in Node, and goes first once it exists.
	 * @return {@code false} only if the message cannot be delivered: the worker is gone or on its
	 * way out before it connected, or too many messages already wait for it
	 */
	@Override
	public boolean send(Object message) {
		IpcMessage.UserMessage userMessage = new IpcMessage.UserMessage(this.codec.toTree(message));
		synchronized (this.outboxLock) {
			if (this.outbox != null) {
				if (isLeaving() || !this.process.isAlive() || this.outbox.size() >= IpcMessage.UserMessage.MAX_WAITING) {
					return false;
				}
				this.codec.encode(userMessage); // too large: throw now, as a connected send would
				this.outbox.add(userMessage);
				return true;
			}
		}
		IpcConnection current = this.connection;
		return current != null && current.send(userMessage);
	}

	@Override
	public void kill() {
		this.process.destroy();
	}

	@Override
	public void destroyForcibly() {
		ProcessHandle jvm = this.process.toHandle();
		jvm.descendants().forEach(ProcessHandle::destroyForcibly);
		jvm.destroyForcibly();
	}

	@Override
	public Worker disconnect() {
		this.cluster.disconnect(this);
		return this;
	}

	@Override
	public boolean isConnected() {
		IpcConnection current = this.connection;
		return current != null && current.isOpen();
	}

	@Override
	public boolean isDead() {
		return !this.process.isAlive();
	}

	@Override
	public boolean exitedAfterDisconnect() {
		return this.exitedAfterDisconnect;
	}

	/**
	 * Completes once the primary has handled this worker's exit: events published, replacement
	 * decided.
	 */
	CompletableFuture<Void> exitHandled() {
		return this.exitHandled;
	}

	String token() {
		return this.token;
	}

	Process javaProcess() {
		return this.process;
	}

	@Override
	public Instant startTime() {
		return this.startTime;
	}

	@Override
	public IpcConnection connection() {
		return this.connection;
	}

	/**
	 * The worker connected: send what waited for it, in order, before anything sent later.
	 */
	void connection(IpcConnection connection) {
		synchronized (this.outboxLock) {
			this.connection = connection;
			for (IpcMessage.UserMessage waiting : this.outbox) {
				connection.send(waiting);
			}
			this.outbox = null;
		}
	}

	/**
	 * Move the state forward; a worker never goes back to an earlier state.
	 */
	void advance(WorkerState next) {
		if (next.compareTo(this.state) > 0) {
			this.state = next;
			if (this.leavingSince == null && isLeaving()) {
				this.leavingSince = Instant.now();
			}
		}
	}

	/**
	 * When the worker started leaving (disconnected, or stopping on its own), or {@code null}.
	 */
	@Override
	public Instant leavingSince() {
		return this.leavingSince;
	}

	/**
	 * Whether the worker is on its way out: disconnecting, or dead.
	 */
	@Override
	public boolean isLeaving() {
		return this.state.compareTo(WorkerState.DISCONNECTING) >= 0;
	}

	String logFile() {
		return this.logFile;
	}

	ImageLaunch image() {
		return this.image;
	}

	WorkerSizing sizing() {
		return this.sizing;
	}

	Release release() {
		return this.release;
	}

	/**
	 * Note that the worker serves now.
	 * @param startup how long it took since its fork
	 * @param fromImage whether its JVM mapped the image's cache
	 */
	void started(Duration startup, boolean fromImage) {
		this.startup = startup;
		this.fromImage = fromImage;
	}

	Duration startup() {
		return this.startup;
	}

	/**
	 * Note where the worker's warm-up is; a worker that starts one is warming up.
	 */
	void warmup(ClusterSnapshot.Warmup progress) {
		this.warmup = progress;
		advance(WorkerState.WARMING);
	}

	/**
	 * The worker's warm-up as it last reported it, or {@code null} for a worker without one.
	 */
	@Override
	public ClusterSnapshot.Warmup warmup() {
		return this.warmup;
	}

	Boolean fromImage() {
		return this.fromImage;
	}

	long requestLimit() {
		return this.requestLimit;
	}

	boolean isRecycleRefused() {
		return this.recycleRefused;
	}

	void refuseRecycle() {
		this.recycleRefused = true;
	}

	void markExitedAfterDisconnect() {
		this.exitedAfterDisconnect = true;
	}

	@Override
	public boolean isReady() {
		return this.ready;
	}

	void markReady() {
		this.ready = true;
	}

	void heartbeat(Instant time) {
		this.lastHeartbeat = time;
	}

	@Override
	public Instant lastHeartbeat() {
		return this.lastHeartbeat;
	}

	/**
	 * Record why the primary is killing this worker; the first reason wins.
	 * @return {@code true} if this is the first reason
	 */
	@Override
	public boolean markKilled(String reason) {
		if (this.killedBecause != null) {
			return false;
		}
		this.killedBecause = reason;
		return true;
	}

	@Override
	public String killedBecause() {
		return this.killedBecause;
	}

	/**
	 * Keep the worker's latest figures.
	 */
	void stats(IpcMessage.Stats stats, Instant received) {
		IpcMessage.Stats previous = this.stats;
		Instant previousTime = this.statsTime;
		if (previous != null && previousTime != null && previous.requestsServed() != null
				&& stats.requestsServed() != null && received.isAfter(previousTime)) {
			// Served since the report before, over the time between them: the recent rate
			long served = Math.max(0, stats.requestsServed() - previous.requestsServed());
			this.requestRate = served * 1000.0 / Math.max(1, Duration.between(previousTime, received).toMillis());
		}
		this.stats = stats;
		this.statsTime = received;
	}

	/**
	 * Return the requests per second between the worker's last two reports, or {@code null}
	 * before its second report.
	 */
	Double requestRate() {
		return this.requestRate;
	}

	IpcMessage.Stats stats() {
		return this.stats;
	}

	Instant statsTime() {
		return this.statsTime;
	}

	/**
	 * Ask the worker something. The future fails if the worker is not connected, answers with
	 * an error, or its channel closes first; the caller bounds the wait.
	 */
	CompletableFuture<JsonNode> request(String operation, JsonNode argument) {
		CompletableFuture<JsonNode> answer = this.requests.send(this.connection, operation, argument);
		return (answer != null) ? answer : CompletableFuture.failedFuture(new IOException(this + " is not connected"));
	}

	/**
	 * Complete the request the response answers, if it is still waited for.
	 */
	void answered(IpcMessage.Response response) {
		this.requests.answered(response);
	}

	/**
	 * Fail every request still waiting: the channel is gone.
	 */
	void failPendingRequests() {
		this.requests.failAll(this + " disconnected");
	}

	/**
	 * Return {@code true} the first time only, so the disconnect event is published once.
	 */
	boolean claimDisconnectEvent() {
		if (this.disconnectPublished) {
			return false;
		}
		this.disconnectPublished = true;
		return true;
	}

	@Override
	public String toString() {
		return "worker " + this.id + " (pid " + pid() + ")";
	}

}
