package io.clusterstarter.primary;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
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
import io.clusterstarter.ProcessMemory;
import io.clusterstarter.Worker;
import io.clusterstarter.WorkerState;
import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.command.JvmLaunch;
import io.clusterstarter.control.ControlledCluster;
import io.clusterstarter.deploy.DeployRefusedException;
import io.clusterstarter.deploy.Deployment;
import io.clusterstarter.deploy.LaunchedJarWatch;
import io.clusterstarter.deploy.Release;
import io.clusterstarter.deploy.Releases;
import io.clusterstarter.event.ClusterSetupEvent;
import io.clusterstarter.event.WorkerDisconnectEvent;
import io.clusterstarter.event.WorkerForkEvent;
import io.clusterstarter.event.WorkerListeningEvent;
import io.clusterstarter.event.WorkerMessageEvent;
import io.clusterstarter.event.WorkerOnlineEvent;
import io.clusterstarter.image.ImageLaunch;
import io.clusterstarter.ipc.IpcConnection;
import io.clusterstarter.ipc.IpcMessage;
import io.clusterstarter.ipc.IpcServer;
import io.clusterstarter.ipc.MessageCodec;
import io.clusterstarter.observe.ClusterCounters;
import io.clusterstarter.observe.ClusterGauges;
import io.clusterstarter.observe.PrimaryFootprint;
import io.clusterstarter.observe.WorkerOutput;
import io.clusterstarter.observe.ClusterHistory;
import io.clusterstarter.observe.RecentEvents;
import io.clusterstarter.resources.OomKills;
import io.clusterstarter.supervise.HangDetector;
import io.clusterstarter.supervise.LeadAssignment;
import io.clusterstarter.supervise.SlotRestarts;
import io.clusterstarter.supervise.StartupQueue;
import io.clusterstarter.upgrade.PrimaryUpgrade;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;

/**
 * The {@link Cluster} in the primary: forks workers, speaks IPC with them, publishes their
 * lifecycle events and replaces those that die. Every state change and every event happens on one
 * thread, the cluster's event loop, so events for a worker always arrive in order and listeners
 * never race each other.
 *
 * @author cluster-spring-boot-starter
 */
public class PrimaryCluster implements ControlledCluster, ClusterGauges, IpcServer.Authenticator {

	private static final Log logger = LogFactory.getLog(PrimaryCluster.class);

	private static final SecureRandom random = new SecureRandom();

	/** How often the primary gives back the memory it no longer needs, once the cluster is up. */
	private static final Duration FOOTPRINT_TRIM_INTERVAL = Duration.ofMinutes(1);

	private final ClusterProperties properties;

	private final JvmLaunch launch;

	private final PrimaryOptions options;

	private final MessageCodec codec;

	private final ScheduledExecutorService loop;

	private volatile Thread loopThread;

	private final Map<Integer, ManagedWorker> workers = new ConcurrentHashMap<>();

	private final AtomicInteger ids = new AtomicInteger();

	/** Which exited workers are replaced, after which backoff, and which slots have failed. */
	private final SlotRestarts restarts;

	/** Workers slow to start or silent; loop only. */
	private final HangDetector hangs;

	/** Decides what follows each worker's exit. */
	private final WorkerExits exits;

	/** Starts the worker JVMs and the images' training runs, and makes releases. */
	private final WorkerProcesses processes;

	/** Which release runs where; loop only. */
	private final Releases releases;

	/** Deploys of new releases. */
	private final Deployment deployment;

	/** Builds the primary's view for the cluster endpoint; loop only. */
	private final ClusterView view;

	/** Notices the launched jar changing under the primary, or {@code null}; loop only. */
	private final LaunchedJarWatch jarWatch;

	/** Answers what workers ask of the primary; loop only. */
	private final WorkerRequests requests;

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

	/** Completes when every first worker serves. */
	private final CompletableFuture<Void> up = new CompletableFuture<>();

	/** Upgrades of the primary itself; set by the runner, {@code null} until then. */
	private volatile PrimaryUpgrade upgrades;

	private final ClusterCounters counters = new ClusterCounters();

	/** The workers' recent console lines, for the control socket's logs. */
	private final WorkerOutput output;

	/** The last lifecycle events, for monit and the dashboard. */
	private final RecentEvents recentEvents = new RecentEvents();

	/** The workers' memory and requests over time, for the dashboard, or {@code null}. */
	private final ClusterHistory history;

	/** Workers already warned about for sending implausible figures. */
	private final Set<Integer> badStatsLogged = new HashSet<>();

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
		this.output = new WorkerOutput(properties.getControl().getLogLines());
		this.history = (properties.getStats().isEnabled() && !properties.getStats().getHistory().isZero())
				? new ClusterHistory(properties.getStats().getHistory(), properties.getStats().getInterval()) : null;
		this.replacements = new Replacements(this, properties, this.counters);
		this.startups = new StartupQueue(options.startupConcurrency());
		this.restarts = new SlotRestarts(properties.getRestart());
		this.codec = new MessageCodec((int) properties.getIpc().getMaxMessageSize().toBytes());
		this.requests = new WorkerRequests(this, properties, this.codec, this.counters);
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
		this.hangs = new HangDetector(properties, executor, options.port() != null);
		this.exits = new WorkerExits(this, properties, this.restarts, this.counters, executor, OomKills.ofThisProcess(),
				options.shares().memory());
		this.processes = new WorkerProcesses(launch, options, properties, this, this.settings);
		this.releases = new Releases(this.processes.launchedRelease());
		this.deployment = new Deployment(new ClusterDeployTarget(this, this.processes), properties, this.releases);
		this.jarWatch = LaunchedJarWatch.of(launch);
		this.view = new ClusterView(this, properties, options, this.counters);
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
		this.loop.scheduleWithFixedDelay(() -> later(() -> {
			if (!this.stopping) {
				this.hangs.check(this.workers.values(), this.replacements::isStarting, this::serving);
				// A roll waiting for a slot's worker gives up after the start-up timeout
				this.replacements.rollNext();
				if (this.jarWatch != null) {
					this.jarWatch.check(this.releases.current());
				}
			}
		}), every, every, TimeUnit.MILLISECONDS);
		// The primary's own work (workers' reports, the JIT) grows its heap and native arenas
		// again after the first trim: give the memory back once a minute, a few milliseconds each
		this.loop.scheduleWithFixedDelay(() -> later(() -> {
			if (this.summaryLogged && !this.stopping) {
				PrimaryFootprint.trim();
			}
		}), FOOTPRINT_TRIM_INTERVAL.toSeconds(), FOOTPRINT_TRIM_INTERVAL.toSeconds(), TimeUnit.SECONDS);
		if (this.history != null) {
			long point = this.history.interval().toMillis();
			this.loop.scheduleWithFixedDelay(() -> later(() -> this.history.record(Instant.now(), snapshot())), point,
					point, TimeUnit.MILLISECONDS);
		}
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
			if (this.deployment.isRunning()) {
				throw new IllegalStateException("A deploy is running; scale once it has ended");
			}
			if (this.replacements.isRolling()) {
				throw new IllegalStateException("A rolling restart is running; scale once it has ended");
			}
			int previous = this.target;
			this.target = workers;
			this.restarts.forgetFrom(workers);
			this.releases.forgetFrom(workers);
			this.startups.cancelFrom(workers);
			List<ManagedWorker> live = staying();
			Set<Integer> occupied = this.restarts.reserved();
			occupied.addAll(this.startups.slots());
			live.forEach((worker) -> occupied.add(worker.slot()));
			for (int slot = 0; slot < workers; slot++) {
				if (!occupied.contains(slot)) {
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
			if (isUpgrading()) {
				throw new IllegalStateException("An upgrade of the primary is running; its workers replace these");
			}
			if (this.deployment.isRunning()) {
				throw new IllegalStateException("A deploy is running; it replaces every worker already");
			}
			return this.replacements.roll(staying());
		});
	}

	@Override
	public CompletableFuture<Void> deploy(Path artifact) {
		refuseWhileUpgrading();
		return this.deployment.deploy(this.launch.workingDirectory().resolve(artifact).normalize()).done();
	}

	/**
	 * Deploy an artifact named through the cluster endpoint: only one in
	 * {@code cluster.deploy.directory}.
	 * @param artifact the artifact, relative to that directory or absolute
	 * @return the release being deployed
	 * @throws io.clusterstarter.deploy.DeployRefusedException if it is refused
	 */
	ClusterSnapshot.Release deployFromEndpoint(String artifact) {
		refuseWhileUpgrading();
		return this.deployment.fromEndpoint(artifact);
	}

	/**
	 * Reload, as SIGHUP and the command line's {@code reload} do: upgrade the primary when the
	 * {@link #reloadArtifact() reload artifact} carries another starter, else deploy it when its
	 * content is not the release running, otherwise restart every worker (see
	 * {@link Deployment#reload(Path)}).
	 * @return completes when the deploy or rolling restart has, or fails with the reason it
	 * stopped
	 * @throws io.clusterstarter.deploy.DeployRefusedException if the artifact cannot be deployed
	 * @throws IllegalStateException if a deploy or rolling restart already runs
	 */
	@Override
	public CompletableFuture<Void> reload() {
		refuseWhileUpgrading();
		Path artifact = reloadArtifact();
		if (artifact == null) {
			return rollingRestart();
		}
		Path resolved = workingDirectory().resolve(artifact).normalize();
		PrimaryUpgrade current = this.upgrades;
		if (current != null && PrimaryUpgrade.changesStarter(resolved)) {
			logger.info(resolved + " carries another starter than this primary's ("
					+ PrimaryUpgrade.starterVersion() + "): reloading upgrades the primary");
			return current.upgrade(resolved);
		}
		return this.deployment.reload(artifact);
	}

	@Override
	public CompletableFuture<Void> upgrade(Path artifact) {
		PrimaryUpgrade current = this.upgrades;
		if (current == null) {
			throw new IllegalStateException("The primary is not running yet");
		}
		return current.upgrade(artifact);
	}

	/**
	 * Set what upgrades the primary.
	 * @param upgrades the upgrades
	 */
	public void setUpgrades(PrimaryUpgrade upgrades) {
		this.upgrades = upgrades;
	}

	/**
	 * Return a future that completes when every first worker serves.
	 * @return the future
	 */
	public CompletableFuture<Void> up() {
		return this.up;
	}

	boolean isUpgrading() {
		PrimaryUpgrade current = this.upgrades;
		return current != null && current.isRunning();
	}

	private void refuseWhileUpgrading() {
		if (isUpgrading()) {
			throw new DeployRefusedException("An upgrade of the primary is running: its workers replace these", true);
		}
	}

	/**
	 * Return what a reload deploys when its content changed: {@code cluster.deploy.artifact},
	 * else the launched jar as named (after an upgrade, the first primary's).
	 * @return the artifact, or {@code null} for a launch that is not a jar (a reload then only
	 * restarts the workers)
	 */
	public Path reloadArtifact() {
		Path configured = this.properties.getDeploy().getArtifact();
		if (configured != null) {
			return configured;
		}
		if (this.options.inheritedReloadArtifact() != null) {
			return this.options.inheritedReloadArtifact();
		}
		return this.launch.isJar() ? Path.of(this.launch.absolute(this.launch.classPath())) : null;
	}

	Path workingDirectory() {
		return this.launch.workingDirectory();
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
	@Override
	public ClusterSnapshot snapshot() {
		return onLoop(() -> this.view.snapshot(new TreeMap<>(this.workers).values()));
	}

	/**
	 * Where the IPC server keeps its files, and worker argfiles go.
	 */
	Path ipcDirectory() {
		return this.ipc.directory();
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
	List<ManagedWorker> staying() {
		return this.workers.values().stream().filter((worker) -> !worker.isLeaving()).toList();
	}

	/**
	 * Return the worker with the id if it is not on its way out, else {@code null}; loop only.
	 */
	ManagedWorker staying(int id) {
		ManagedWorker worker = this.workers.get(id);
		return (worker != null && !worker.isLeaving()) ? worker : null;
	}

	/**
	 * Return the workers with a channel, by id; loop only.
	 */
	List<ManagedWorker> connected() {
		return new TreeMap<>(this.workers).values().stream().filter((worker) -> worker.connection() != null).toList();
	}

	/**
	 * Return the staying workers in a slot; loop only.
	 */
	List<ManagedWorker> stayingIn(int slot) {
		return staying().stream().filter((worker) -> worker.slot() == slot).toList();
	}

	/**
	 * Return the release of every worker not yet exited; any thread.
	 */
	List<Release> liveReleases() {
		return this.workers.values().stream().map(ManagedWorker::release).toList();
	}

	/**
	 * Return whether a worker is about to be forked into the slot: a crash restart after its
	 * backoff, or a fork waiting for its start-up wave; loop only.
	 */
	boolean awaitsWorker(int slot) {
		return this.restarts.isPending(slot) || this.startups.slots().contains(slot);
	}

	Replacements replacements() {
		return this.replacements;
	}

	Releases releases() {
		return this.releases;
	}

	boolean isStopping() {
		return this.stopping;
	}

	/**
	 * Return how many live workers run each release version; any thread.
	 */
	@Override
	public Map<String, Long> workersByVersion() {
		return Releases.versions(liveReleases());
	}

	@Override
	public int countInState(WorkerState state) {
		return (int) this.workers.values().stream().filter((worker) -> worker.state() == state).count();
	}

	@Override
	public int configuredWorkers() {
		return this.target;
	}

	boolean isLead(ManagedWorker worker) {
		return this.lead.isLead(worker);
	}

	@Override
	public WorkerOutput output() {
		return this.output;
	}

	@Override
	public RecentEvents recentEvents() {
		return this.recentEvents;
	}

	/**
	 * Return the workers' memory and requests over time.
	 * @return the history, or {@code null} when none is kept ({@code cluster.stats.history=0}
	 * or reports off)
	 */
	ClusterHistory history() {
		return this.history;
	}

	int slotRestarts(int slot) {
		return this.restarts.restarts(slot);
	}

	List<Integer> failedSlots() {
		return this.restarts.failedSlots();
	}

	int startupConcurrency() {
		return this.startups.concurrency();
	}

	ClusterSnapshot.Deploy deploySnapshot() {
		return this.deployment.snapshot();
	}

	@Override
	public int failedSlotCount() {
		return this.restarts.failedCount();
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
			live.forEach(ManagedWorker::destroyForcibly);
			awaitQuietly(all, Duration.ofSeconds(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			live.forEach(ManagedWorker::destroyForcibly);
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
		this.releases.closeAll();
		return killed;
	}

	/**
	 * Kill every worker at once, with no grace: the last resort when the primary's JVM exits
	 * without a {@link #shutdown()}.
	 */
	public void killAll() {
		this.stopping = true;
		this.releases.closeAll();
		this.workers.values().forEach(ManagedWorker::destroyForcibly);
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

	ManagedWorker forkInSlot(int slot, Map<String, String> forkEnv) {
		return forkInSlot(slot, forkEnv, this.releases.forSlot(slot));
	}

	ManagedWorker forkInSlot(int slot, Map<String, String> forkEnv, Release release) {
		if (this.stopping) {
			throw new IllegalStateException("The cluster is shutting down");
		}
		int id = this.ids.incrementAndGet();
		String token = newToken();
		WorkerProcesses.Started started;
		try {
			started = this.processes.start(id, slot, token, forkEnv, this.ipc, this.codec.maxMessageSize(), release,
					warmsUp());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not fork worker " + id + ": " + ex.getMessage(), ex);
		}
		ClusterProperties.Recycle recycle = this.properties.getRecycle();
		// Jitter spreads the recycles of workers started together
		long jitter = ThreadLocalRandom.current().nextLong(recycle.getMaxRequestsJitter() + 1);
		long requestLimit = (recycle.getMaxRequests() > 0) ? recycle.getMaxRequests() + jitter : 0;
		ManagedWorker worker = new ManagedWorker(id, slot, token, started, this.codec, this, requestLimit, release);
		this.workers.put(id, worker);
		this.counters.forks.increment();
		logger.debug("Forked " + worker + " in slot " + slot);
		publish(new WorkerForkEvent(worker));
		started.process()
			.onExit()
			.thenRun(() -> later(() -> this.exits.exited(worker, Instant.now().plus(WorkerExits.CTRL_C_GRACE))));
		return worker;
	}

	/**
	 * Whether a worker forked now warms up before it serves: when a warm-up is configured and
	 * another worker serves already, or the old primary's workers do, in an upgrade, until this
	 * one is up. The cluster's first workers do not: nothing serves yet, and a warm-up would
	 * only put off the port's first answer.
	 */
	private boolean warmsUp() {
		return this.options.port() != null && this.properties.getWarmup().isEnabled()
				&& ((this.options.upgradedFrom() != null && !this.up.isDone())
						|| this.workers.values().stream().anyMatch((worker) -> serving(worker) && !worker.isLeaving()));
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
	 * Fork the waiting workers there is room for under {@code cluster.startup-concurrency}:
	 * called whenever a worker starts serving or exits.
	 */
	private void startWaitingForks() {
		if (this.stopping) {
			return;
		}
		this.startups.startWhileRoom(this::startingCount, (fork) -> {
			try {
				forkInSlot(fork.slot(), Map.of());
			}
			catch (IllegalStateException ex) {
				if (!this.stopping) {
					throw ex;
				}
				return; // a SIGTERM arrived meanwhile, on its own thread: the cluster forks no more
			}
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
		Set<Integer> used = this.restarts.reserved();
		used.addAll(this.startups.slots());
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
				started(worker);
			}
			servedIfReady(worker);
			this.replacements.progress(worker);
			publish(
					new WorkerListeningEvent(worker, listening.address(), listening.port(), listening.namespace()));
			logSummaryWhenUp();
			startWaitingForks();
		}
		else if (message instanceof IpcMessage.Warmup warmup) {
			worker.warmup(warmup.warmup());
			if (warmup.warmup().isOver()) {
				String line = worker + " warmed up: " + warmup.warmup().describe();
				if (ClusterSnapshot.Warmup.TIMED_OUT.equals(warmup.warmup().state())) {
					logger.warn(line + ", ended by cluster.warmup.timeout");
				}
				else {
					logger.info(line);
				}
			}
		}
		else if (message instanceof IpcMessage.Ready) {
			if (this.options.port() == null && !worker.isReady()) {
				started(worker);
			}
			worker.markReady();
			servedIfReady(worker);
			this.exits.backoffStartsOverWhenStable(worker);
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
			this.requests.answer(worker, request);
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

	/**
	 * Once a worker listens and is ready, its slot runs its release.
	 */
	private void servedIfReady(ManagedWorker worker) {
		if (serving(worker) && worker.isReady() && !worker.isLeaving()) {
			this.releases.served(worker.slot(), worker.release());
		}
	}

	/**
	 * A worker serves for the first time: say how long it took, and whether its JVM really
	 * started from the image, which the JVM would otherwise refuse silently.
	 */
	private void started(ManagedWorker worker) {
		Duration startup = Duration.between(worker.startTime(), Instant.now());
		this.counters.started(startup);
		ImageLaunch image = worker.image();
		// Off Linux there is no map to read: the worker is taken at its launch's word
		Boolean mapped = (image != null) ? ProcessMemory.maps(worker.pid(), image.cacheFile()) : null;
		boolean fromImage = image != null && !Boolean.FALSE.equals(mapped);
		worker.started(startup, fromImage);
		logger.info(String.format("%s %s in %.1f s%s", worker, (this.options.port() != null) ? "listening" : "ready",
				startup.toMillis() / 1000.0,
				(image == null) ? "" : fromImage ? ", from the image" : ", launched from the image but without its cache"));
		if (image != null && !fromImage) {
			worker.release().images().refused(worker.toString(), image);
		}
	}

	private void logSummaryWhenUp() {
		if (this.summaryLogged) {
			return;
		}
		boolean web = this.options.port() != null;
		long up = this.workers.values().stream().filter(this::serving).count();
		if (up >= this.target) {
			this.summaryLogged = true;
			this.up.complete(null);
			double seconds = Duration.between(this.options.jvmStartTime(), Instant.now()).toMillis() / 1000.0;
			logger.info(String.format("Cluster up: %d worker%s %s in %.1f seconds (primary pid %d)", up,
					(up != 1) ? "s" : "", web ? "listening on port " + this.options.port() : "ready", seconds,
					ProcessHandle.current().pid()));
			// Only now: the first workers start without competing with the image's training run
			this.releases.current().images().prepareInBackground();
			// Made now, not at the first scrape: it reads resources from the jar, which a
			// rebuild may overwrite later
			this.requests.prepareMeters();
			PrimaryFootprint.trim();
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
	void channelClosed(ManagedWorker worker) {
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

	/**
	 * After a worker has exited: move the lead if it held it, and fork the waiting workers
	 * there is now room for.
	 */
	void workersChanged() {
		assignLead();
		startWaitingForks();
		// A slot a roll waits for may have its worker now; a release nobody runs any more goes
		this.replacements.rollNext();
		if (!this.deployment.isRunning() && this.releases.closeUnused(liveReleases())) {
			this.processes.removeUnusedReleases();
		}
	}

	/**
	 * Stop tracking a worker whose process has ended.
	 */
	void forget(ManagedWorker worker) {
		this.workers.remove(worker.id());
		this.badStatsLogged.remove(worker.id());
	}

	/**
	 * Queue a fork into the slot, to start when the start-up waves have room.
	 */
	void queueFork(int slot, boolean restart) {
		this.startups.add(slot, restart);
		startWaitingForks();
	}

	/**
	 * Run on the event loop without waiting. A task that fails is logged: the executor would
	 * otherwise keep the exception in a future nobody reads.
	 */
	void later(Runnable task) {
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
	<T> T onLoop(Supplier<T> task) {
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
