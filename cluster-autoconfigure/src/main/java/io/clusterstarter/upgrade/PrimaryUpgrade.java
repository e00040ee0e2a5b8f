package io.clusterstarter.upgrade;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.command.JvmLaunch;
import io.clusterstarter.command.JvmOptions;
import io.clusterstarter.deploy.DeployPreflight;
import io.clusterstarter.deploy.DeployRefusedException;
import io.clusterstarter.deploy.ReleaseArtifact;
import io.clusterstarter.event.UpgradeEvent;
import io.clusterstarter.image.ReleaseStore;
import io.clusterstarter.ipc.IpcProtocol;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Upgrades the primary itself, the old primary's side: checks the artifact, starts a new
 * primary from it that inherits the port ({@link Successor}), waits until its workers are all
 * ready, lets go of the control socket's name for it, and hands this primary's retirement to
 * the runner. A new primary that exits, gives up, or is not ready in time is stopped (its
 * workers finish their requests) and this primary carries on as before. One upgrade at a time.
 *
 * @author cluster-spring-boot-starter
 */
public final class PrimaryUpgrade {

	private static final Log logger = LogFactory.getLog(PrimaryUpgrade.class);

	/** How long the new primary may take to open the control socket once told to. */
	static final Duration TAKE_OVER_TIMEOUT = Duration.ofSeconds(30);

	/** How long a stopped new primary gets beyond the shutdown timeout before it is killed. */
	static final Duration KILL_GRACE = Duration.ofSeconds(15);

	private static final Duration POLL = Duration.ofMillis(100);

	/** The starter's version, from its jar's manifest. */
	private static final String STARTER_VERSION = PrimaryUpgrade.class.getPackage().getImplementationVersion();

	private final UpgradeTarget cluster;

	private final ClusterProperties properties;

	private final JvmLaunch launch;

	private final ControlName control;

	private final Consumer<Process> retire;

	private final AtomicReference<Running> running = new AtomicReference<>();

	/**
	 * Create the upgrades of a primary.
	 * @param cluster the primary's cluster
	 * @param properties its properties
	 * @param launch how the primary was launched, which the new primary repeats with another jar
	 * @param control the primary's control socket's name
	 * @param retire what retires this primary once the new one has taken over, given the new
	 * primary's process
	 */
	public PrimaryUpgrade(UpgradeTarget cluster, ClusterProperties properties, JvmLaunch launch, ControlName control,
			Consumer<Process> retire) {
		this.cluster = cluster;
		this.properties = properties;
		this.launch = launch;
		this.control = control;
		this.retire = retire;
	}

	/**
	 * Start an upgrade.
	 * @param requested the artifact, or {@code null} for the default one
	 * @return completes once the new primary has taken over; fails with an
	 * {@link UpgradeFailedException} when it was stopped and this primary carries on
	 * @throws DeployRefusedException if the upgrade is refused; nothing was started
	 */
	public CompletableFuture<Void> upgrade(Path requested) {
		if (!this.launch.isJar()) {
			throw new DeployRefusedException("An upgrade starts the new primary with 'java -jar', and this primary was "
					+ "not launched from an executable jar; restart it to change its code", true);
		}
		Path artifact = (requested != null) ? requested : this.cluster.defaultArtifact();
		artifact = this.cluster.workingDirectory().resolve(artifact).normalize();
		String busy = this.cluster.busy();
		if (busy != null) {
			throw new DeployRefusedException(busy + "; upgrade once it has ended", true);
		}
		Running claim = new Running(artifact);
		if (!this.running.compareAndSet(null, claim)) {
			throw new DeployRefusedException("An upgrade to " + this.running.get().artifact + " is running", true);
		}
		try {
			claim.release = check(artifact);
		}
		catch (RuntimeException ex) {
			this.running.set(null);
			logger.warn("Upgrade to " + artifact + " refused: " + ex.getMessage());
			throw ex;
		}
		logger.info("Upgrading the primary to " + describe(claim.release) + ": a new primary starts from it and forks "
				+ "its workers beside these; they retire once every new worker is ready");
		this.cluster.publish(new UpgradeEvent(this.cluster.cluster(), UpgradeEvent.Phase.STARTED, claim.release, null, null));
		CompletableFuture<Void> done = new CompletableFuture<>();
		Thread thread = new Thread(() -> run(claim, done), "cluster-upgrade");
		thread.setDaemon(true);
		thread.start();
		return done;
	}

	/**
	 * Return whether an artifact carries another starter than this primary's (another version,
	 * or another IPC protocol), so that a reload should upgrade the primary rather than deploy
	 * workers the primary's old starter would run.
	 * @param artifact the artifact, absolute
	 * @return whether its starter differs; {@code false} when it cannot be read (the deploy
	 * then says why)
	 */
	public static boolean changesStarter(Path artifact) {
		if (!Files.isRegularFile(artifact)) {
			return false;
		}
		try {
			ReleaseArtifact candidate = read(artifact);
			String own = STARTER_VERSION;
			return candidate.ipcProtocol() != null && (candidate.ipcProtocol() != IpcProtocol.VERSION
					|| (own != null && candidate.starterVersion() != null && !own.equals(candidate.starterVersion())));
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

	/**
	 * Return the version of this primary's starter.
	 * @return the version, or {@code null} when its jar tells none
	 */
	public static String starterVersion() {
		return STARTER_VERSION;
	}

	/**
	 * Stop an upgrade under way because this primary stops: its new primary is stopped too.
	 */
	public void abort() {
		Running claim = this.running.get();
		if (claim != null) {
			claim.aborted = true;
			Process process = claim.process;
			if (process != null && !claim.handedOver) {
				process.destroy();
			}
		}
	}

	/**
	 * Return whether an upgrade runs.
	 * @return whether one runs
	 */
	public boolean isRunning() {
		return this.running.get() != null;
	}

	private ClusterSnapshot.Release check(Path artifact) {
		DeployPreflight.checkFile(artifact);
		ReleaseArtifact candidate;
		try {
			candidate = read(artifact);
		}
		catch (IOException ex) {
			throw new DeployRefusedException("Could not read " + artifact + ": " + ex.getMessage(), false);
		}
		DeployPreflight.checkUpgrade(candidate, this.cluster.currentArtifact(), this.properties.getDeploy());
		return new ClusterSnapshot.Release(candidate.version(), artifact.toString(), candidate.sha256(),
				artifact.toString());
	}

	/** Read an artifact where it is: the new primary runs the file as named, not a copy. */
	private static ReleaseArtifact read(Path artifact) throws IOException {
		return ReleaseArtifact.read(artifact, artifact, ReleaseStore.sha256Of(artifact), Files.size(artifact));
	}

	private void run(Running claim, CompletableFuture<Void> done) {
		try (ServerSocketChannel server = HandoverChannel.listen(ProcessHandle.current().pid())) {
			try {
				claim.process = start(claim.artifact);
				if (claim.aborted) {
					throw new UpgradeFailedException("this primary is stopping");
				}
				handOver(claim, server);
				claim.handedOver = true;
			}
			finally {
				Files.deleteIfExists(HandoverChannel.socket(ProcessHandle.current().pid()));
			}
		}
		catch (IOException | RuntimeException ex) {
			// Whatever went wrong before the hand-over, the upgrade ends: its client must not wait for ever
			if (!claim.handedOver) {
				fail(claim, (ex.getMessage() != null) ? ex.getMessage() : ex.toString(), done);
				return;
			}
			logger.debug("Could not remove the upgrade's socket: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			fail(claim, "interrupted", done);
			return;
		}
		// From here on the new primary runs the cluster: nothing may stop it
		logger.info("Upgraded: the new primary (pid " + claim.process.pid() + ") runs " + describe(claim.release)
				+ " and holds the control socket; this primary's workers finish their requests and exit");
		this.cluster.publish(new UpgradeEvent(this.cluster.cluster(), UpgradeEvent.Phase.COMPLETED, claim.release,
				claim.process.pid(), null));
		done.complete(null);
		this.retire.accept(claim.process);
	}

	private void fail(Running claim, String reason, CompletableFuture<Void> done) {
		try {
			stop(claim.process);
			if (claim.process != null) {
				// A new primary that never took over leaves its exit status for no one
				ServiceKeeper.forget(claim.process.pid());
			}
			logger.warn("Upgrade to " + describe(claim.release) + " failed: " + reason
					+ "; the new primary was stopped and this primary carries on with its workers");
			this.cluster.publish(new UpgradeEvent(this.cluster.cluster(), UpgradeEvent.Phase.FAILED, claim.release,
					(claim.process != null) ? claim.process.pid() : null, reason));
		}
		finally {
			this.running.set(null);
			done.completeExceptionally(new UpgradeFailedException(reason));
		}
	}


	/**
	 * Start the new primary as this one was started, from the artifact: the same java, JVM
	 * options, program arguments and working directory; standard input (the shared queue's
	 * listening socket), output and error inherited.
	 */
	private Process start(Path artifact) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(this.launch.javaExecutable());
		command.addAll(JvmOptions.commandLineOptions(this.launch.inputArguments(), this.launch.environment()));
		command.add("-jar");
		command.add(artifact.toString());
		command.addAll(this.launch.programArgs());
		ProcessBuilder builder = new ProcessBuilder(command).directory(this.launch.workingDirectory().toFile())
			.redirectInput(ProcessBuilder.Redirect.INHERIT)
			.redirectOutput(ProcessBuilder.Redirect.INHERIT)
			.redirectError(ProcessBuilder.Redirect.INHERIT);
		Map<String, String> environment = builder.environment();
		environment.putAll(Successor.environment(ProcessHandle.current().pid(),
				HandoverChannel.socket(ProcessHandle.current().pid()), this.control.name(),
				this.cluster.port(), this.cluster.managementPort(), this.cluster.defaultArtifact()));
		// The process a service manager watches through every upgrade: the first that waits
		OptionalLong keeper = ServiceKeeper.forSuccessor(System.getenv(),
				RetiredPrimary.waits(this.properties.getUpgrade().getOldPrimary()));
		environment.put(ServiceKeeper.VARIABLE, keeper.isPresent() ? String.valueOf(keeper.getAsLong()) : "");
		Process process = builder.start();
		ServiceKeeper.forget(process.pid());
		logger.info("Started the new primary (pid " + process.pid() + ") from " + artifact);
		return process;
	}

	/**
	 * Wait for the new primary's hello, then for its workers, within the start-up timeout for
	 * the new primary itself and for each round of workers; then hand the control socket's name
	 * over.
	 */
	private void handOver(Running claim, ServerSocketChannel server) throws IOException, InterruptedException {
		// The new primary's workers warm up before they serve, since these serve meanwhile
		Duration startupTimeout = this.properties.getStartupTimeout().plus(this.properties.getWarmup().allowance());
		long deadline = System.nanoTime() + startupTimeout.multipliedBy(this.cluster.startupRounds() + 1L).toNanos();
		HandoverChannel channel = null;
		try {
			while (channel == null) {
				checkAlive(claim, deadline, "did not connect");
				channel = HandoverChannel.accept(server);
				if (channel == null) {
					Thread.sleep(POLL.toMillis());
				}
			}
			String hello = await(claim, channel, deadline, "did not say who it is");
			if (!HandoverChannel.HELLO.equals(HandoverChannel.word(hello))
					|| !HandoverChannel.rest(hello).equals(String.valueOf(claim.process.pid()))) {
				throw new UpgradeFailedException("another process connected to the upgrade's socket (" + hello + ")");
			}
			String answer = await(claim, channel, deadline,
					"its workers were not all ready within the start-up timeout (cluster.startup-timeout, with "
							+ "cluster.warmup.timeout when a warm-up is set: " + startupTimeout.toSeconds()
							+ " s, for the new primary and for each round of workers)");
			if (HandoverChannel.FAILED.equals(HandoverChannel.word(answer))) {
				throw new UpgradeFailedException(HandoverChannel.rest(answer));
			}
			if (!HandoverChannel.READY.equals(answer)) {
				throw new UpgradeFailedException("the new primary said '" + answer + "'");
			}
			this.control.release();
			channel.send(HandoverChannel.TAKE_OVER);
			String taken = await(claim, channel, System.nanoTime() + TAKE_OVER_TIMEOUT.toNanos(),
					"did not take the control socket within " + TAKE_OVER_TIMEOUT.toSeconds() + " s");
			if (!HandoverChannel.TAKEN.equals(taken)) {
				reclaimControl();
				throw new UpgradeFailedException(HandoverChannel.FAILED.equals(HandoverChannel.word(taken))
						? HandoverChannel.rest(taken) : "the new primary said '" + taken + "'");
			}
		}
		catch (UpgradeFailedException ex) {
			if (this.control.isReleased()) {
				reclaimControl();
			}
			throw ex;
		}
		finally {
			if (channel != null) {
				channel.close();
			}
		}
	}

	private String await(Running claim, HandoverChannel channel, long deadline, String late)
			throws InterruptedException {
		while (true) {
			checkAlive(claim, deadline, late);
			String message = channel.receive(POLL);
			if (HandoverChannel.CLOSED.equals(message)) {
				claim.process.waitFor(5, TimeUnit.SECONDS);
				checkAlive(claim, Long.MAX_VALUE, late);
				throw new UpgradeFailedException("the new primary closed the upgrade's channel");
			}
			if (message != null) {
				return message;
			}
		}
	}

	private static void checkAlive(Running claim, long deadline, String late) {
		if (claim.aborted) {
			throw new UpgradeFailedException("this primary is stopping");
		}
		if (!claim.process.isAlive()) {
			throw new UpgradeFailedException("the new primary exited with status " + claim.process.exitValue()
					+ " before its workers were ready (its log says why)");
		}
		if (System.nanoTime() - deadline > 0) {
			throw new UpgradeFailedException("the new primary " + late);
		}
	}

	private void reclaimControl() {
		try {
			this.control.reclaim();
		}
		catch (IOException ex) {
			logger.warn("Could not open the control socket again after the failed upgrade: " + ex.getMessage());
		}
	}

	/**
	 * Stop a new primary that did not take over: SIGTERM, which stops its workers gracefully,
	 * then SIGKILL for it and whatever it started, if it outlives the shutdown timeout.
	 */
	private void stop(Process process) {
		if (process == null || !process.isAlive()) {
			return;
		}
		List<ProcessHandle> started = process.descendants().toList();
		process.destroy();
		try {
			if (!process.waitFor(this.properties.getShutdownTimeout().plus(KILL_GRACE).toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("The new primary (pid " + process.pid() + ") did not stop; killing it and its workers");
				process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
		}
		started.forEach(ProcessHandle::destroyForcibly);
	}

	private static String describe(ClusterSnapshot.Release release) {
		return release.artifact() + ((release.version() != null) ? " (" + release.version() + ")" : "");
	}

	/**
	 * The control socket's name, as the old primary lets go of it for the new one.
	 */
	public interface ControlName {

		/**
		 * Return the name.
		 * @return the cluster's name on the control socket, or {@code null} while the primary
		 * has none (disabled, or not taken over yet)
		 */
		String name();

		/**
		 * Stop accepting commands and remove the socket, so that the new primary can bind it;
		 * the sessions under way (the client of the {@code upgrade} command) go on.
		 */
		void release();

		/**
		 * Return whether {@link #release()} was called and not undone.
		 * @return whether the name was let go of
		 */
		boolean isReleased();

		/**
		 * Take the name again, after a failed upgrade.
		 * @throws IOException if the socket cannot be made
		 */
		void reclaim() throws IOException;

	}

	/** The upgrade under way. */
	private static final class Running {

		private final Path artifact;

		private volatile ClusterSnapshot.Release release;

		private volatile Process process;

		private volatile boolean aborted;

		private volatile boolean handedOver;

		Running(Path artifact) {
			this.artifact = artifact;
		}

	}

}
