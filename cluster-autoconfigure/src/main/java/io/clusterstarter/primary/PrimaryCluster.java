package io.clusterstarter.primary;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.clusterstarter.Cluster;
import io.clusterstarter.ClusterMessage;
import io.clusterstarter.ClusterSettings;
import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.CurrentWorker;
import io.clusterstarter.Worker;
import io.clusterstarter.WorkerState;
import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.autoconfigure.ClusterProperties.RestartPolicy;
import io.clusterstarter.event.ClusterSetupEvent;
import io.clusterstarter.event.WorkerDisconnectEvent;
import io.clusterstarter.event.WorkerExitEvent;
import io.clusterstarter.event.WorkerForkEvent;
import io.clusterstarter.event.WorkerListeningEvent;
import io.clusterstarter.event.WorkerMessageEvent;
import io.clusterstarter.event.WorkerOnlineEvent;
import io.clusterstarter.ipc.IpcConnection;
import io.clusterstarter.ipc.IpcMessage;
import io.clusterstarter.ipc.IpcServer;
import io.clusterstarter.ipc.MessageCodec;
import io.clusterstarter.worker.WorkerEnvironment;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.context.ApplicationEventPublisher;

/**
 * The {@link Cluster} in the primary: forks workers, speaks IPC with them, publishes their
 * lifecycle events and replaces those that die. Every state change and every event happens on one
 * thread, the cluster's event loop, so events for a worker always arrive in order and listeners
 * never race each other.
 *
 * @author cluster-spring-boot-starter
 */
public class PrimaryCluster implements Cluster, IpcServer.Authenticator {

	private static final Log logger = LogFactory.getLog(PrimaryCluster.class);

	private static final SecureRandom random = new SecureRandom();

	/** Time a hung worker gets to write its thread dump before it is killed. */
	private static final Duration THREAD_DUMP_GRACE = Duration.ofSeconds(1);

	/** How long an exit by SIGINT waits for the primary's own SIGINT before it counts as a crash. */
	private static final Duration CTRL_C_GRACE = Duration.ofSeconds(1);

	private final ClusterProperties properties;

	private final JvmLaunch launch;

	private final PrimaryOptions options;

	private final MessageCodec codec;

	private final ScheduledExecutorService loop;

	private volatile Thread loopThread;

	private final Map<Integer, ManagedWorker> workers = new ConcurrentHashMap<>();

	private final AtomicInteger ids = new AtomicInteger();

	/** Slots promised to a replacement that is waiting out its backoff. */
	private final Set<Integer> pendingSlots = new HashSet<>();

	/** Unexpected exits in a row per slot, for the backoff; cleared once a slot is stable. */
	private final Map<Integer, Integer> failuresBySlot = new HashMap<>();

	/** When each slot's recent unexpected exits happened, for the crash-loop limit. */
	private final Map<Integer, Deque<Instant>> failureTimesBySlot = new HashMap<>();

	/** Slots that exited too often and are no longer restarted. */
	private final Set<Integer> failedSlots = ConcurrentHashMap.newKeySet();

	/** Which worker runs the @OnOneWorker methods; loop only. */
	private final LeadAssignment lead = new LeadAssignment();

	/** Forks waiting for their turn under cluster.startup-concurrency; loop only. */
	private final StartupQueue startups;

	/** Rolling restarts and single-worker replacements; loop only. */
	private final Replacements replacements;

	/** The number of workers the primary keeps; changed by {@link #scale(int)}. */
	private volatile int target;

	private final Instant startTime = Instant.now();

	private volatile ClusterSettings settings;

	private volatile ApplicationEventPublisher publisher = (event) -> {
	};

	private volatile IpcServer ipc;

	private volatile boolean stopping;

	private final AtomicBoolean shutDown = new AtomicBoolean();

	private boolean summaryLogged;

	private final ClusterCounters counters = new ClusterCounters();

	/** Workers already warned about for sending implausible figures. */
	private final Set<Integer> badStatsLogged = new HashSet<>();

	/** The primary's meters in Prometheus text format, created at the first scrape. */
	private Supplier<String> primaryMeters;

	/**
	 * Create the cluster; nothing is forked until {@link #start()}.
	 * @param properties the cluster properties
	 * @param launch how the primary was launched
	 * @param options what the primary decided about ports, logging and sizing
	 */
	public PrimaryCluster(ClusterProperties properties, JvmLaunch launch, PrimaryOptions options) {
		this.properties = properties;
		this.launch = launch;
		this.options = options;
		this.settings = properties.toSettings();
		this.target = options.workers();
		this.replacements = new Replacements(this, properties, this.counters);
		this.startups = new StartupQueue(options.startupConcurrency());
		this.codec = new MessageCodec((int) properties.getIpc().getMaxMessageSize().toBytes());
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (runnable) -> {
			Thread thread = new Thread(runnable, "cluster-primary");
			thread.setDaemon(true);
			this.loopThread = thread;
			return thread;
		});
		// Once shut down, pending replacements and backoff resets are moot: do not wait for them
		executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
		this.loop = executor;
	}

	/**
	 * Set where cluster events are published: the primary's application context.
	 * @param publisher the publisher
	 */
	public void setEventPublisher(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	/**
	 * Open the IPC socket and fork the configured number of workers.
	 * @throws IOException if the IPC socket cannot be created
	 */
	public void start() throws IOException {
		this.ipc = new IpcServer(this.codec, this);
		long every = Math.max(100, Math.min(1000, this.properties.getHeartbeat().getInterval().toMillis() / 2));
		this.loop.scheduleWithFixedDelay(() -> later(this::supervise), every, every, TimeUnit.MILLISECONDS);
		onLoop(() -> {
			publish(new ClusterSetupEvent(this, this.settings));
			for (int slot = 0; slot < this.options.workers(); slot++) {
				this.startups.add(slot, false);
			}
			startWaitingForks();
			return null;
		});
	}

	@Override
	public boolean isPrimary() {
		return true;
	}

	@Override
	public boolean isWorker() {
		return false;
	}

	@Override
	public Map<Integer, Worker> workers() {
		return new TreeMap<>(this.workers);
	}

	@Override
	public Optional<CurrentWorker> worker() {
		return Optional.empty();
	}

	@Override
	public Worker fork(Map<String, String> env) {
		return onLoop(() -> forkInSlot(freeSlot(), env));
	}

	@Override
	public void setupPrimary(ClusterSettings changes) {
		onLoop(() -> {
			this.settings = this.settings.merge(changes);
			publish(new ClusterSetupEvent(this, this.settings));
			return null;
		});
	}

	@Override
	public ClusterSettings settings() {
		return this.settings;
	}

	@Override
	public CompletableFuture<Void> disconnect() {
		List<ManagedWorker> live = onLoop(() -> new ArrayList<>(this.workers.values()));
		live.forEach(this::disconnect);
		return exitsHandled(live);
	}

	private static CompletableFuture<Void> exitsHandled(List<ManagedWorker> workers) {
		return CompletableFuture.allOf(workers.stream().map(ManagedWorker::exitHandled).toArray(CompletableFuture[]::new));
	}

	@Override
	public void scale(int workers) {
		if (workers < 1) {
			throw new IllegalArgumentException("A cluster needs at least 1 worker, not " + workers);
		}
		onLoop(() -> {
			if (this.stopping) {
				throw new IllegalStateException("The cluster is shutting down");
			}
			if (this.replacements.isRolling()) {
				throw new IllegalStateException("A rolling restart is running; scale once it has ended");
			}
			int previous = this.target;
			this.target = workers;
			this.failedSlots.removeIf((slot) -> slot >= workers);
			this.pendingSlots.removeIf((slot) -> slot >= workers);
			this.startups.cancelFrom(workers);
			List<ManagedWorker> live = staying();
			Set<Integer> occupied = new HashSet<>(this.pendingSlots);
			live.forEach((worker) -> occupied.add(worker.slot()));
			for (int slot = 0; slot < workers; slot++) {
				if (!occupied.contains(slot) && !this.failedSlots.contains(slot) && !this.startups.holds(slot)) {
					this.startups.add(slot, false);
				}
			}
			startWaitingForks();
			if (workers > previous) {
				PrimaryRunner.warnIfOversubscribed(workers, Runtime.getRuntime().availableProcessors(),
						this.startups.concurrency());
			}
			// Scaling down retires the highest slots, gracefully
			live.stream().filter((worker) -> worker.slot() >= workers).forEach(this::disconnect);
			logger.info("Scaled the cluster from " + previous + " to " + workers + " worker"
					+ ((workers != 1) ? "s" : ""));
			return null;
		});
	}

	@Override
	public CompletableFuture<Void> rollingRestart() {
		return onLoop(() -> {
			if (this.stopping) {
				throw new IllegalStateException("The cluster is shutting down");
			}
			return this.replacements.roll(staying());
		});
	}

	@Override
	public CompletableFuture<Void> restartWorker(int id) {
		return onLoop(() -> {
			ManagedWorker worker = staying(id);
			if (worker == null) {
				throw new NoSuchElementException("No live worker with id " + id);
			}
			return this.replacements.replace(worker, "a restart was requested");
		});
	}

	/**
	 * Return the primary's view of the cluster.
	 * @return the snapshot
	 */
	public ClusterSnapshot snapshot() {
		return onLoop(() -> {
			Instant now = Instant.now();
			Map<String, ClusterSnapshot.WorkerInfo> infos = new LinkedHashMap<>();
			new TreeMap<>(this.workers).forEach((id, worker) -> infos.put(String.valueOf(id),
					new ClusterSnapshot.WorkerInfo(id, worker.slot(), worker.pid(), worker.state().displayName(),
							worker.isReady(), this.lead.isLead(worker), worker.startTime().toString(),
							Duration.between(worker.startTime(), now).toString(), worker.exitedAfterDisconnect(),
							(this.options.logFile() != null) ? workerLogFile(this.options.logFile(), id) : null,
							report(worker, now))));
			ClusterSnapshot.Primary primary = new ClusterSnapshot.Primary(ProcessHandle.current().pid(),
					this.options.jvmStartTime().toString(), Duration.between(this.options.jvmStartTime(), now).toString(),
					this.options.port(), (this.options.port() != null) ? "reuseport" : "none", effectiveSettings(),
					new ClusterSnapshot.Counters(this.counters.forks.sum(), this.counters.totalExits(),
							this.counters.restarts.sum(), this.counters.recycles.sum()),
					this.failedSlots.stream().sorted().toList());
			return new ClusterSnapshot(primary, infos);
		});
	}

	private ClusterSnapshot.Settings effectiveSettings() {
		ClusterSettings current = this.settings;
		ClusterProperties.Restart restart = this.properties.getRestart();
		ClusterProperties.Stats stats = this.properties.getStats();
		return new ClusterSnapshot.Settings(this.target, current.execArgv(), current.args(), current.env(),
				current.isSilent(), this.properties.isShareProcessors(),
				this.properties.getCpuAffinity().name().toLowerCase(Locale.ROOT),
				this.properties.getShutdownTimeout().toString(),
				new ClusterSnapshot.Restart(restart.getPolicy().name().toLowerCase(Locale.ROOT).replace('_', '-'),
						restart.getInitialBackoff().toString(), restart.getMaxBackoff().toString(),
						restart.getMultiplier()),
				stats.isEnabled() ? stats.getInterval().toString() : null,
				this.properties.getRollingRestart().getParallelism(), this.startups.concurrency(), recycleLimits());
	}

	private ClusterSnapshot.Recycle recycleLimits() {
		ClusterProperties.Recycle recycle = this.properties.getRecycle();
		if (!recycle.hasLimit()) {
			return null;
		}
		return new ClusterSnapshot.Recycle((recycle.getMaxRequests() > 0) ? recycle.getMaxRequests() : null,
				(recycle.getMaxRequestsJitter() > 0) ? recycle.getMaxRequestsJitter() : null,
				(recycle.getMaxHeapAfterGc() != null) ? recycle.getMaxHeapAfterGc().toBytes() : null,
				(recycle.getMaxRss() != null) ? recycle.getMaxRss().toBytes() : null);
	}

	/**
	 * Describe a worker's latest figures: in full while fresh, only their time and age once
	 * the worker has missed two reports.
	 */
	private ClusterSnapshot.Report report(ManagedWorker worker, Instant now) {
		IpcMessage.Stats stats = worker.stats();
		Instant time = worker.statsTime();
		if (stats == null || time == null) {
			return null;
		}
		Duration age = Duration.between(time, now);
		Duration staleAfter = this.properties.getStats().getInterval().multipliedBy(2).plusSeconds(1);
		if (age.compareTo(staleAfter) > 0) {
			return new ClusterSnapshot.Report(time.toString(), age.toString(), true, null, null, null, null, null,
					null);
		}
		ClusterSnapshot.Requests requests = (stats.requestsServed() != null && stats.requestsInFlight() != null)
				? new ClusterSnapshot.Requests(stats.requestsServed(), stats.requestsInFlight()) : null;
		return new ClusterSnapshot.Report(time.toString(), age.toString(), false,
				new ClusterSnapshot.Heap(stats.heapUsed(), stats.heapCommitted(), stats.heapMax(), stats.heapAfterGc()),
				(stats.processCpuLoad() >= 0) ? stats.processCpuLoad() : null, stats.threads(),
				Duration.ofMillis(stats.gcPauseMillis()).toString(), requests, stats.rss());
	}

	/**
	 * Whether a worker serves: it listens, or, without a web server, it is ready.
	 */
	boolean serving(ManagedWorker worker) {
		return (this.options.port() != null) ? worker.state() == WorkerState.LISTENING : worker.isReady();
	}

	/**
	 * Return the workers that are not on their way out; loop only.
	 */
	private List<ManagedWorker> staying() {
		return this.workers.values().stream().filter((worker) -> !worker.isLeaving()).toList();
	}

	/**
	 * Return the worker with the id if it is not on its way out, else {@code null}; loop only.
	 */
	private ManagedWorker staying(int id) {
		ManagedWorker worker = this.workers.get(id);
		return (worker != null && !worker.isLeaving()) ? worker : null;
	}

	boolean isStopping() {
		return this.stopping;
	}

	int countInState(WorkerState state) {
		return (int) this.workers.values().stream().filter((worker) -> worker.state() == state).count();
	}

	int configuredWorkers() {
		return this.target;
	}

	int failedSlotCount() {
		return this.failedSlots.size();
	}

	void disconnect(ManagedWorker worker) {
		onLoop(() -> {
			if (worker.isLeaving()) {
				return null;
			}
			worker.markExitedAfterDisconnect();
			worker.advance(WorkerState.DISCONNECTING);
			IpcConnection connection = worker.connection();
			if (connection == null || !connection.send(new IpcMessage.Disconnect())) {
				// Not connected yet (still booting): SIGTERM runs the same graceful shutdown
				worker.javaProcess().destroy();
			}
			assignLead();
			return null;
		});
	}

	/**
	 * Note at once, from the thread that received the signal, that the cluster is stopping:
	 * exits from now on are planned and nothing is replaced, even before {@link #shutdown()}
	 * has reached the event loop.
	 */
	public void stopRequested() {
		this.stopping = true;
	}

	/**
	 * Stop the cluster: disconnect every worker, wait for them up to the shutdown timeout, kill
	 * the rest, and remove the IPC socket. Safe to call more than once.
	 * @return the number of workers that had to be killed
	 */
	public int shutdown() {
		stopRequested();
		if (!this.shutDown.compareAndSet(false, true)) {
			return 0;
		}
		List<ManagedWorker> live = onLoop(() -> {
			this.stopping = true;
			return new ArrayList<>(this.workers.values());
		});
		if (!live.isEmpty()) {
			logger.info("Shutting down " + live.size() + " worker" + ((live.size() != 1) ? "s" : "")
					+ ", waiting up to " + this.properties.getShutdownTimeout().toSeconds() + " s");
		}
		live.forEach(this::disconnect);
		CompletableFuture<Void> all = exitsHandled(live);
		int killed = 0;
		try {
			all.get(this.properties.getShutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			for (ManagedWorker worker : live) {
				if (worker.javaProcess().isAlive()) {
					logger.warn("Killing " + worker + ": still running after "
							+ this.properties.getShutdownTimeout().toSeconds() + " s");
					killed++;
				}
			}
			live.forEach((worker) -> killTree(worker.javaProcess().toHandle()));
			awaitQuietly(all, Duration.ofSeconds(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			live.forEach((worker) -> killTree(worker.javaProcess().toHandle()));
		}
		catch (ExecutionException ex) {
			// Exit-handled futures are only ever completed normally
		}
		// Every exit is handled (and its events published) by now: the loop can stop
		this.loop.shutdown();
		try {
			this.loop.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		if (this.ipc != null) {
			this.ipc.close();
		}
		return killed;
	}

	/**
	 * Kill every worker at once, with no grace: the last resort when the primary's JVM exits
	 * without a {@link #shutdown()}.
	 */
	public void killAll() {
		this.stopping = true;
		this.workers.values().forEach((worker) -> killTree(worker.javaProcess().toHandle()));
		if (this.ipc != null) {
			this.ipc.close();
		}
	}

	private static void awaitQuietly(CompletableFuture<Void> future, Duration timeout) {
		try {
			future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// The loop stops regardless
		}
	}

	private static void killTree(ProcessHandle process) {
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
	}

	ManagedWorker forkInSlot(int slot, Map<String, String> forkEnv) {
		if (this.stopping) {
			throw new IllegalStateException("The cluster is shutting down");
		}
		int id = this.ids.incrementAndGet();
		String token = newToken();
		ClusterSettings current = this.settings;
		Map<String, String> env = new LinkedHashMap<>();
		if (current.env() != null) {
			env.putAll(current.env());
		}
		env.putAll(forkEnv);
		env.put(WorkerEnvironment.WORKER_ID, String.valueOf(id));
		env.put(WorkerEnvironment.WORKER_SLOT, String.valueOf(slot));
		env.put(WorkerEnvironment.PRIMARY_PID, String.valueOf(ProcessHandle.current().pid()));
		env.put(WorkerEnvironment.IPC_SOCKET, this.ipc.socketPath().toString());
		env.put(WorkerEnvironment.WORKER_TOKEN, token);
		env.put(WorkerEnvironment.MAX_MESSAGE_SIZE, String.valueOf(this.codec.maxMessageSize()));
		env.put(WorkerEnvironment.HEARTBEAT_INTERVAL,
				String.valueOf(this.properties.getHeartbeat().getInterval().toMillis()));
		if (this.options.port() != null) {
			env.put(WorkerEnvironment.SERVER_PORT, String.valueOf(this.options.port()));
		}
		if (this.options.managementPort() != null) {
			env.put(WorkerEnvironment.MANAGEMENT_PORT, String.valueOf(this.options.managementPort()));
		}
		if (this.options.logFile() != null) {
			// Named by id, as the console prefix and the endpoint name the worker: a replacement
			// never writes into the file of the worker it replaces, even while both run
			env.put(WorkerEnvironment.LOG_FILE, workerLogFile(this.options.logFile(), id));
		}
		Process process;
		try {
			// Sized for the current target: after scaling, new forks get the new share
			String cpus = (this.options.affinity() != null) ? this.options.affinity().forSlot(slot, this.target) : null;
			WorkerCommand command = WorkerCommand.create(this.launch, current, id,
					this.options.processorsPerWorker(this.target), cpus, env, this.ipc.directory());
			ProcessBuilder builder = new ProcessBuilder(command.command());
			builder.environment().putAll(command.environment());
			if (command.workingDirectory() != null) {
				builder.directory(command.workingDirectory().toFile());
			}
			builder.redirectInput(Redirect.INHERIT);
			if (current.isSilent()) {
				builder.redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD);
			}
			process = builder.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not fork worker " + id + ": " + ex.getMessage(), ex);
		}
		if (!current.isSilent()) {
			OutputRelay.start(process.getInputStream(), System.out, id);
			OutputRelay.start(process.getErrorStream(), System.err, id);
		}
		ClusterProperties.Recycle recycle = this.properties.getRecycle();
		// Jitter spreads the recycles of workers started together
		long jitter = ThreadLocalRandom.current().nextLong(recycle.getMaxRequestsJitter() + 1);
		long requestLimit = (recycle.getMaxRequests() > 0) ? recycle.getMaxRequests() + jitter : 0;
		ManagedWorker worker = new ManagedWorker(id, slot, token, process, this.codec, this, requestLimit);
		this.workers.put(id, worker);
		this.counters.forks.increment();
		logger.debug("Forked " + worker + " in slot " + slot);
		publish(new WorkerForkEvent(worker));
		process.onExit().thenRun(() -> later(() -> exited(worker, Instant.now().plus(CTRL_C_GRACE))));
		return worker;
	}

	/**
	 * Publish an event to the primary's listeners. A listener that throws is logged, never
	 * allowed to stop the cluster from replacing or tracking its workers.
	 */
	void publish(Object event) {
		try {
			this.publisher.publishEvent(event);
		}
		catch (RuntimeException ex) {
			logger.error("A listener failed on " + event.getClass().getSimpleName(), ex);
		}
	}

	/**
	 * The log file of a worker: {@code logs/app.log} becomes {@code logs/app-worker-7.log} for
	 * worker 7, absolute, so that a worker started in another working directory writes beside
	 * the primary's file.
	 */
	static String workerLogFile(String logFile, int id) {
		Path path = Path.of(logFile).toAbsolutePath();
		String name = path.getFileName().toString();
		int dot = name.lastIndexOf('.');
		String workerName = (dot > 0) ? name.substring(0, dot) + "-worker-" + id + name.substring(dot)
				: name + "-worker-" + id;
		Path parent = path.getParent();
		return (parent != null) ? parent.resolve(workerName).toString() : workerName;
	}

	/**
	 * Fork the waiting workers there is room for under {@code cluster.startup-concurrency}:
	 * called whenever a worker starts serving or exits.
	 */
	private void startWaitingForks() {
		if (this.stopping) {
			return;
		}
		this.startups.startWhileRoom(this::startingCount, (fork) -> {
			forkInSlot(fork.slot(), Map.of());
			if (fork.restart()) {
				this.counters.restarts.increment();
			}
		});
	}

	/**
	 * The workers starting now: forked, not yet serving, not on their way out.
	 */
	private int startingCount() {
		return (int) this.workers.values().stream().filter((worker) -> !worker.isLeaving() && !serving(worker)).count();
	}

	/**
	 * Give, take back or move the lead worker after a change: a worker serves, leaves or exits.
	 */
	private void assignLead() {
		this.lead.update(this.workers.values(), this::serving);
	}

	private int freeSlot() {
		Set<Integer> used = new HashSet<>(this.pendingSlots);
		used.addAll(this.startups.slots());
		used.addAll(this.failedSlots);
		this.workers.values().forEach((worker) -> used.add(worker.slot()));
		int slot = 0;
		while (used.contains(slot)) {
			slot++;
		}
		return slot;
	}

	private static String newToken() {
		byte[] bytes = new byte[32];
		random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	@Override
	public boolean accepts(int id, String token) {
		ManagedWorker worker = this.workers.get(id);
		return worker != null && worker.connection() == null && IpcServer.tokensMatch(worker.token(), token);
	}

	@Override
	public void connected(int id, IpcConnection connection) {
		later(() -> {
			ManagedWorker worker = this.workers.get(id);
			if (worker == null || worker.connection() != null) {
				connection.close();
				return;
			}
			worker.connection(connection);
			worker.heartbeat(Instant.now());
			worker.advance(WorkerState.ONLINE);
			publish(new WorkerOnlineEvent(worker));
			if (worker.state() == WorkerState.DISCONNECTING) {
				// Disconnected while booting: pass the request on now that it can be delivered
				connection.send(new IpcMessage.Disconnect());
			}
		});
	}

	@Override
	public void received(int id, IpcMessage message) {
		later(() -> {
			ManagedWorker worker = this.workers.get(id);
			if (worker != null) {
				handle(worker, message);
				assignLead();
			}
		});
	}

	private void handle(ManagedWorker worker, IpcMessage message) {
		if (message instanceof IpcMessage.Listening listening) {
			if (listening.namespace() == null && worker.state().compareTo(WorkerState.LISTENING) < 0) {
				worker.advance(WorkerState.LISTENING);
				this.counters.started(Duration.between(worker.startTime(), Instant.now()));
			}
			this.replacements.progress(worker);
			publish(
					new WorkerListeningEvent(worker, listening.address(), listening.port(), listening.namespace()));
			logSummaryWhenUp();
			startWaitingForks();
		}
		else if (message instanceof IpcMessage.Ready) {
			if (this.options.port() == null && !worker.isReady()) {
				this.counters.started(Duration.between(worker.startTime(), Instant.now()));
			}
			worker.markReady();
			resetBackoffWhenStable(worker);
			this.replacements.progress(worker);
			logSummaryWhenUp();
			startWaitingForks();
		}
		else if (message instanceof IpcMessage.Stopping) {
			worker.advance(WorkerState.DISCONNECTING);
		}
		else if (message instanceof IpcMessage.Disconnect) {
			worker.markExitedAfterDisconnect();
			worker.advance(WorkerState.DISCONNECTING);
		}
		else if (message instanceof IpcMessage.Heartbeat) {
			worker.heartbeat(Instant.now());
		}
		else if (message instanceof IpcMessage.Stats stats) {
			if (stats.isValid()) {
				worker.stats(stats, Instant.now());
				this.replacements.recycleIfOverLimit(worker, stats);
			}
			else if (this.badStatsLogged.add(worker.id())) {
				logger.warn("Ignored implausible figures from " + worker + ": " + stats);
			}
		}
		else if (message instanceof IpcMessage.Request request) {
			answer(worker, request);
		}
		else if (message instanceof IpcMessage.Response response) {
			worker.answered(response);
		}
		else if (message instanceof IpcMessage.UserMessage user) {
			publish(new WorkerMessageEvent(worker, new ClusterMessage(user.payload(), this.codec::fromTree)));
		}
		else if (message instanceof IpcMessage.LeadReleased) {
			this.lead.released(worker);
		}
		else {
			logger.warn("Dropped an unexpected " + message.getClass().getSimpleName() + " from " + worker);
		}
	}

	private void answer(ManagedWorker worker, IpcMessage.Request request) {
		IpcConnection connection = worker.connection();
		if (connection == null) {
			return;
		}
		if ("status".equals(request.operation())) {
			connection.send(new IpcMessage.Response(request.seq(), this.codec.toTree(snapshot()), null));
		}
		else if ("rolling-restart".equals(request.operation())) {
			reply(connection, request, () -> {
				rollingRestart();
				return this.replacements.rollSize();
			});
		}
		else if ("scale".equals(request.operation())) {
			reply(connection, request, () -> {
				int count = (request.argument() != null) ? request.argument().asInt() : 0;
				scale(count);
				return count;
			});
		}
		else if ("worker".equals(request.operation())) {
			connection.send(actOnWorker(request));
		}
		else if ("scrape".equals(request.operation())) {
			scrape(request).thenAccept((text) -> {
				try {
					connection.send(new IpcMessage.Response(request.seq(), this.codec.toTree(text), null));
				}
				catch (IllegalArgumentException ex) {
					logger.warn("Could not send a cluster-wide scrape to " + worker + ": " + ex.getMessage());
					connection.send(new IpcMessage.Response(request.seq(), null, "The merged scrape is too large: "
							+ ex.getMessage() + "; raise cluster.ipc.max-message-size"));
				}
			});
		}
		else {
			connection.send(new IpcMessage.Response(request.seq(), null,
					"Unknown operation '" + request.operation() + "'"));
		}
	}

	/**
	 * Act on one worker: {@code {"id": n, "action": "restart" | "disconnect" | "kill"}}. The
	 * answer is {@code {"worker": n}}, or an empty object when no live worker has that id.
	 */
	private IpcMessage.Response actOnWorker(IpcMessage.Request request) {
		JsonNode argument = request.argument();
		int id = (argument != null) ? argument.path("id").asInt(-1) : -1;
		String action = (argument != null) ? argument.path("action").asString("") : "";
		ManagedWorker worker = staying(id);
		if (worker == null) {
			return new IpcMessage.Response(request.seq(), this.codec.toTree(Map.of()), null);
		}
		try {
			switch (action) {
				case "restart" ->
					this.replacements.replace(worker, "a restart was requested through the cluster endpoint");
				case "disconnect" -> {
					logger.info("Disconnecting " + worker + " as requested through the cluster endpoint");
					disconnect(worker);
				}
				case "kill" -> {
					// A replacement still starting may be killed too: its replacement then fails
					worker.markKilled("was killed through the cluster endpoint");
					logger.warn("Killing " + worker + " (SIGTERM) as requested through the cluster endpoint");
					worker.kill();
				}
				default -> throw new IllegalArgumentException("Unknown action '" + action + "'");
			}
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			return new IpcMessage.Response(request.seq(), null, ex.getMessage());
		}
		return new IpcMessage.Response(request.seq(), this.codec.toTree(Map.of("worker", id)), null);
	}

	/**
	 * Answer a request for an action with {@code {"workers": n}}, or with the reason the
	 * action was refused.
	 */
	private void reply(IpcConnection connection, IpcMessage.Request request, Supplier<Integer> action) {
		IpcMessage.Response response;
		try {
			response = new IpcMessage.Response(request.seq(), this.codec.toTree(Map.of("workers", action.get())), null);
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			response = new IpcMessage.Response(request.seq(), null, ex.getMessage());
		}
		connection.send(response);
	}

	/**
	 * Gather every connected worker's meters, without blocking the loop, and merge them with
	 * the primary's own. A worker that does not answer within the scrape timeout is left out
	 * and counted.
	 */
	private CompletableFuture<String> scrape(IpcMessage.Request request) {
		if (this.primaryMeters == null) {
			this.primaryMeters = PrimaryMeters.prometheus(this, this.counters);
		}
		Supplier<String> own = this.primaryMeters;
		long timeout = this.properties.getMetrics().getScrapeTimeout().toMillis();
		List<ManagedWorker> targets = new TreeMap<>(this.workers).values()
			.stream()
			.filter((worker) -> worker.connection() != null)
			.toList();
		List<CompletableFuture<String>> answers = targets.stream()
			.map((worker) -> worker.request("prometheus", request.argument())
				.orTimeout(timeout, TimeUnit.MILLISECONDS)
				.handle((body, ex) -> {
					if (ex != null || body == null || !body.isString()) {
						logger.debug(worker + " left out of a scrape: " + ((ex != null) ? ex : "no meters"));
						return null;
					}
					return body.asString();
				}))
			.toList();
		return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply((done) -> {
			PrometheusTextMerger merger = new PrometheusTextMerger();
			long missed = answers.stream().filter((answer) -> answer.join() == null).count();
			this.counters.scrapeMisses.add(missed);
			if (own != null) {
				merger.add(own.get(), "");
			}
			for (int i = 0; i < targets.size(); i++) {
				String text = answers.get(i).join();
				if (text != null) {
					ManagedWorker worker = targets.get(i);
					try {
						merger.add(text, "worker_id=\"" + worker.id() + "\",worker_slot=\"" + worker.slot() + "\"");
					}
					catch (IllegalArgumentException ex) {
						logger.warn("Left " + worker + " out of a scrape: " + ex.getMessage());
					}
				}
			}
			return merger.merge();
		});
	}

	private void logSummaryWhenUp() {
		if (this.summaryLogged) {
			return;
		}
		boolean web = this.options.port() != null;
		long up = this.workers.values().stream().filter(this::serving).count();
		if (up >= this.target) {
			this.summaryLogged = true;
			double seconds = Duration.between(this.options.jvmStartTime(), Instant.now()).toMillis() / 1000.0;
			logger.info(String.format("Cluster up: %d workers %s in %.1f seconds (primary pid %d)", up,
					web ? "listening on port " + this.options.port() : "ready", seconds,
					ProcessHandle.current().pid()));
		}
	}

	@Override
	public void closed(int id) {
		later(() -> {
			ManagedWorker worker = this.workers.get(id);
			if (worker != null) {
				channelClosed(worker);
			}
		});
	}

	/**
	 * Publish the worker's disconnect event once, whether its channel closed first, its process
	 * exited first, or it died before it ever connected.
	 */
	private void channelClosed(ManagedWorker worker) {
		IpcConnection connection = worker.connection();
		if (connection != null) {
			connection.close();
		}
		worker.failPendingRequests();
		if (worker.claimDisconnectEvent()) {
			worker.advance(WorkerState.DISCONNECTING);
			publish(new WorkerDisconnectEvent(worker));
		}
	}

	private void exited(ManagedWorker worker, Instant decideBy) {
		if (mayBeCtrlC(worker) && Instant.now().isBefore(decideBy)) {
			// Ctrl-C reaches the primary and its workers at once, and a worker may exit before the
			// primary's own SIGINT handler has run: give it a moment before calling this a crash
			this.loop.schedule(() -> later(() -> exited(worker, decideBy)), 50, TimeUnit.MILLISECONDS);
			return;
		}
		try {
			handleExit(worker);
			assignLead();
			startWaitingForks();
		}
		finally {
			worker.exitHandled().complete(null);
		}
	}

	private boolean mayBeCtrlC(ManagedWorker worker) {
		return !this.stopping && !worker.exitedAfterDisconnect()
				&& worker.javaProcess().exitValue() == 128 + 2 && !JvmLaunch.isWindows();
	}

	private void handleExit(ManagedWorker worker) {
		if (this.stopping) {
			// The cluster's own shutdown: every exit now is planned, whoever signalled the worker
			worker.markExitedAfterDisconnect();
		}
		channelClosed(worker);
		worker.advance(WorkerState.DEAD);
		this.workers.remove(worker.id());
		int code = worker.javaProcess().exitValue();
		String signal = signalName(code);
		this.counters.exited(worker.exitedAfterDisconnect(), code, signal);
		this.badStatsLogged.remove(worker.id());
		publish(new WorkerExitEvent(worker, code, signal, worker.exitedAfterDisconnect(), worker.killedBecause()));
		if (this.replacements.exited(worker, code)) {
			return;
		}
		if (shouldReplace(worker, code)) {
			if (crashLooping(worker.slot())) {
				failSlot(worker, code, signal);
			}
			else {
				replace(worker, code, signal);
			}
		}
		else if (!this.stopping) {
			logger.info(worker + " exited with code " + code + ((signal != null) ? " (" + signal + ")" : "")
					+ (worker.exitedAfterDisconnect() ? " after a disconnect" : "") + "; not replaced");
		}
	}

	/**
	 * Once a worker has been ready for the stable period, its slot's backoff starts again
	 * from the beginning.
	 */
	private void resetBackoffWhenStable(ManagedWorker worker) {
		this.loop.schedule(() -> later(() -> {
			if (this.workers.get(worker.id()) == worker && !worker.isLeaving()) {
				this.failuresBySlot.remove(worker.slot());
			}
		}), this.properties.getRestart().getStablePeriod().toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Count an unexpected exit in a slot and say whether the slot has now failed too often
	 * within the failure window.
	 */
	private boolean crashLooping(int slot) {
		ClusterProperties.Restart restart = this.properties.getRestart();
		Instant now = Instant.now();
		Deque<Instant> times = this.failureTimesBySlot.computeIfAbsent(slot, (key) -> new ArrayDeque<>());
		times.addLast(now);
		while (!times.isEmpty() && times.peekFirst().isBefore(now.minus(restart.getFailureWindow()))) {
			times.removeFirst();
		}
		return restart.getMaxFailures() > 0 && times.size() >= restart.getMaxFailures();
	}

	private void failSlot(ManagedWorker worker, int code, String signal) {
		int slot = worker.slot();
		this.failedSlots.add(slot);
		this.failureTimesBySlot.remove(slot);
		this.failuresBySlot.remove(slot);
		ClusterProperties.Restart restart = this.properties.getRestart();
		logger.error("Slot " + slot + " failed: its workers exited unexpectedly " + restart.getMaxFailures()
				+ " times within " + restart.getFailureWindow().toSeconds() + " s (last " + worker + ", code " + code
				+ ((signal != null) ? " " + signal : "") + "); it is not restarted again. Fix the cause (see the "
				+ "worker's output above), then restart the cluster.");
	}

	/**
	 * Find workers that take too long to start or have stopped sending heartbeats.
	 */
	private void supervise() {
		if (this.stopping) {
			return;
		}
		Instant now = Instant.now();
		boolean web = this.options.port() != null;
		Duration startupTimeout = this.properties.getStartupTimeout();
		Duration heartbeatTimeout = this.properties.getHeartbeat().getTimeout();
		for (ManagedWorker worker : this.workers.values()) {
			if (worker.isLeaving() || worker.killedBecause() != null) {
				continue;
			}
			if (this.replacements.isStarting(worker) && !worker.isReady()
					&& Duration.between(worker.startTime(), now).compareTo(startupTimeout) > 0) {
				killHung(worker, "was not ready within " + startupTimeout.toSeconds() + " s of its fork");
				continue;
			}
			Instant heartbeat = worker.lastHeartbeat();
			if (heartbeat != null && Duration.between(heartbeat, now).compareTo(heartbeatTimeout) > 0) {
				killHung(worker, "sent no heartbeat for " + heartbeatTimeout.toSeconds() + " s");
			}
			else if (!serving(worker) && Duration.between(worker.startTime(), now).compareTo(startupTimeout) > 0) {
				killHung(worker, "did not " + (web ? "listen" : "become ready") + " within "
						+ startupTimeout.toSeconds() + " s of its fork");
			}
		}
	}

	/**
	 * Ask the JVM for a thread dump (SIGQUIT: it prints one to the worker's output, which the
	 * worker's log keeps), then kill it; its exit is handled as any unexpected exit.
	 */
	private void killHung(ManagedWorker worker, String reason) {
		if (!worker.markKilled(reason)) {
			return;
		}
		logger.warn(worker + " " + reason + "; writing a thread dump to its output and killing it");
		if (!JvmLaunch.isWindows()) {
			try {
				new ProcessBuilder("kill", "-QUIT", String.valueOf(worker.pid())).inheritIO().start();
			}
			catch (IOException ex) {
				logger.debug("Could not ask " + worker + " for a thread dump: " + ex.getMessage());
			}
		}
		this.loop.schedule(() -> killTree(worker.javaProcess().toHandle()), THREAD_DUMP_GRACE.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	private boolean shouldReplace(ManagedWorker worker, int code) {
		if (this.stopping || worker.exitedAfterDisconnect()) {
			return false;
		}
		RestartPolicy policy = this.properties.getRestart().getPolicy();
		return policy == RestartPolicy.ALWAYS || (policy == RestartPolicy.ON_FAILURE && code != 0);
	}

	private void replace(ManagedWorker worker, int code, String signal) {
		int slot = worker.slot();
		int failures = this.failuresBySlot.merge(slot, 1, Integer::sum) - 1;
		ClusterProperties.Restart restart = this.properties.getRestart();
		double delay = restart.getInitialBackoff().toMillis() * Math.pow(restart.getMultiplier(), failures);
		long delayMillis = (long) Math.min(delay, restart.getMaxBackoff().toMillis());
		logger.warn(worker + " exited unexpectedly with code " + code + ((signal != null) ? " (" + signal + ")" : "")
				+ "; replacing it in slot " + slot + " in " + delayMillis + " ms");
		this.pendingSlots.add(slot);
		this.loop.schedule(() -> later(() -> {
			// Gone from the pending slots if the cluster was scaled down meanwhile
			if (this.pendingSlots.remove(slot) && !this.stopping) {
				// Many slots crashing at once restart in waves too
				this.startups.add(slot, true);
				startWaitingForks();
			}
		}), delayMillis, TimeUnit.MILLISECONDS);
	}

	static String signalName(int exitCode) {
		if (JvmLaunch.isWindows() || exitCode <= 128 || exitCode > 128 + 31) {
			return null;
		}
		return switch (exitCode - 128) {
			case 1 -> "SIGHUP";
			case 2 -> "SIGINT";
			case 3 -> "SIGQUIT";
			case 4 -> "SIGILL";
			case 6 -> "SIGABRT";
			case 8 -> "SIGFPE";
			case 9 -> "SIGKILL";
			case 11 -> "SIGSEGV";
			case 13 -> "SIGPIPE";
			case 14 -> "SIGALRM";
			case 15 -> "SIGTERM";
			default -> "signal " + (exitCode - 128);
		};
	}

	/**
	 * Run on the event loop without waiting. A task that fails is logged: the executor would
	 * otherwise keep the exception in a future nobody reads.
	 */
	private void later(Runnable task) {
		try {
			this.loop.execute(() -> {
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					logger.error("Cluster event loop task failed", ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// Shut down: nothing is tracked any more
		}
	}

	/**
	 * Run on the event loop and wait, or run directly when already on it, so that listeners
	 * may call the cluster without deadlocking.
	 */
	private <T> T onLoop(Supplier<T> task) {
		if (Thread.currentThread() == this.loopThread) {
			return task.get();
		}
		try {
			return CompletableFuture.supplyAsync(task, this.loop).get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the cluster", ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (RejectedExecutionException ex) {
			throw new IllegalStateException("The cluster is shut down", ex);
		}
	}

}
