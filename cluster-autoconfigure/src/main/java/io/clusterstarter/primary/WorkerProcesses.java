package io.clusterstarter.primary;

import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.clusterstarter.ClusterSettings;
import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.command.JvmLaunch;
import io.clusterstarter.command.WorkerCommand;
import io.clusterstarter.deploy.DeployRefusedException;
import io.clusterstarter.deploy.Release;
import io.clusterstarter.deploy.ReleaseArtifact;
import io.clusterstarter.image.ImageLaunch;
import io.clusterstarter.image.ImageSource;
import io.clusterstarter.image.ReleaseStore;
import io.clusterstarter.image.WorkerImages;
import io.clusterstarter.ipc.IpcServer;
import io.clusterstarter.observe.OutputRelay;
import io.clusterstarter.resources.OomKills;
import io.clusterstarter.resources.WorkerSizing;
import io.clusterstarter.worker.WorkerEnvironment;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Starts the cluster's processes: each worker JVM (its environment, log file, command and output
 * relay) and the worker images' training runs, from a release's launch, the current settings,
 * the workers' share of the machine and the release's image when it is ready. It also makes the
 * releases: the private copy of the artifact, read, with its image. The cluster decides when to
 * fork and keeps track of what it forked; this class decides how.
 *
 * @author cluster-spring-boot-starter
 */
final class WorkerProcesses {

	private static final Log logger = LogFactory.getLog(WorkerProcesses.class);

	private final JvmLaunch launch;

	private final PrimaryOptions options;

	private final ClusterProperties properties;

	private final PrimaryCluster cluster;

	/** The {@code cluster.exec-argv} the images are made for: other options start without them. */
	private final List<String> imageExecArgv;

	/** Where releases are copied to, or {@code null} when that directory cannot be used. */
	private final ReleaseStore store;

	private int releases;

	/**
	 * A started worker process.
	 * @param process the process
	 * @param logFile its own log file, or {@code null}
	 * @param image the image it was started from, or {@code null}
	 * @param sizing what its JVM was given of the memory and processors
	 */
	record Started(Process process, String logFile, ImageLaunch image, WorkerSizing sizing) {
	}

	WorkerProcesses(JvmLaunch launch, PrimaryOptions options, ClusterProperties properties, PrimaryCluster cluster,
			ClusterSettings settings) {
		this.launch = launch;
		this.options = options;
		this.properties = properties;
		this.cluster = cluster;
		this.imageExecArgv = settings.execArgv();
		this.store = (launch.isJar() && ReleaseArtifact.isExecutableJar(Path.of(launch.absolute(launch.classPath()))))
				? openStore(properties, launch) : null;
	}

	private static ReleaseStore openStore(ClusterProperties properties, JvmLaunch launch) {
		try {
			ReleaseStore store = ReleaseStore.open(WorkerImages.root(properties.getImage(), launch.environment()),
					WorkerImages.safeName(applicationName(launch)));
			store.removeUnused();
			return store;
		}
		catch (IOException ex) {
			logger.warn("Workers run the launched jar itself, not a private copy of it: " + ex.getMessage()
					+ ". A build that overwrites that jar in place then breaks them, and deploys are refused; "
					+ "set cluster.image.directory to a directory only this user can write");
			return null;
		}
	}

	/**
	 * The release the primary was launched with. An executable jar is copied first, so that the
	 * workers run this very build whatever happens to the file later (a rebuild overwrites it in
	 * place); any other launch runs as it is.
	 * @return the release
	 */
	Release launchedRelease() {
		if (this.store != null) {
			Path jar = Path.of(this.launch.absolute(this.launch.classPath()));
			try {
				return stagedRelease(jar);
			}
			catch (RuntimeException ex) {
				logger.warn("Workers run " + jar + " itself, not a private copy of it: " + ex.getMessage());
			}
		}
		String named = this.launch.isJar() ? this.launch.absolute(this.launch.classPath())
				: (this.launch.mainModule() != null) ? "module " + this.launch.mainModule() : "class path";
		return new Release(++this.releases, null, named, null, this.launch, openImages(this.launch, null));
	}

	/**
	 * A new release from an artifact: copied into the primary's store, then read from the copy.
	 * @param artifact the executable jar, absolute
	 * @return the release, holding its copy until closed
	 * @throws DeployRefusedException if it cannot be read, or is not an executable jar
	 */
	Release newRelease(Path artifact) {
		if (this.store == null) {
			throw new DeployRefusedException("This primary cannot deploy: "
					+ (this.launch.isJar() ? "it has no directory for the releases' private copies (see its start-up log)"
							: "it was not launched from an executable jar (java -jar app.jar), so there is no jar to replace"),
					true);
		}
		return stagedRelease(artifact);
	}

	private Release stagedRelease(Path artifact) {
		ReleaseStore.Staged staged;
		try {
			staged = this.store.stage(artifact);
		}
		catch (IOException ex) {
			throw new DeployRefusedException("Could not read " + artifact + ": " + ex.getMessage(), false);
		}
		try {
			ReleaseArtifact read = ReleaseArtifact.read(artifact, staged.file(), staged.sha256(), staged.size());
			JvmLaunch launch = this.launch.withJar(staged.file().toString());
			return new Release(++this.releases, read, artifact.toString(), staged, launch,
					openImages(launch, staged.sha256()));
		}
		catch (RuntimeException ex) {
			staged.close();
			throw ex;
		}
	}

	/**
	 * Remove the release copies no primary holds any more.
	 */
	void removeUnusedReleases() {
		if (this.store != null) {
			this.store.removeUnused();
		}
	}

	/**
	 * The worker image of a release. Its key depends on the JVM options as the user gave them,
	 * not on those the primary adds (processor and memory shares), and on the jar's content,
	 * whose hash the copy already computed when there is one.
	 */
	private WorkerImages openImages(JvmLaunch launch, String sha256) {
		ImageSource source = (sha256 != null) ? imageSource(launch).withContentSha256(sha256) : imageSource(launch);
		ClusterProperties.Warmup warmup = this.properties.getWarmup();
		String trainingWarmup = (this.properties.getImage().isTrainingWarmup() && warmup.isEnabled())
				? warmup.identity() : null;
		return WorkerImages.open(this.properties.getImage(), source, applicationName(launch),
				launch.javaExecutable(), launch.userOptions(this.imageExecArgv), launch.environment(),
				(training, background) -> training(launch, training, background), trainingWarmup);
	}

	/**
	 * Start a worker JVM.
	 * @param id the worker's id
	 * @param slot its slot
	 * @param token its IPC token
	 * @param forkEnv the variables given to this fork
	 * @param ipc the primary's IPC server
	 * @param codecLimit the largest IPC message
	 * @param release the release it runs
	 * @param warmsUp whether it warms up before it serves
	 * @return the started process
	 * @throws IOException if it cannot be started
	 */
	Started start(int id, int slot, String token, Map<String, String> forkEnv, IpcServer ipc, int codecLimit,
			Release release, boolean warmsUp) throws IOException {
		ClusterSettings current = this.cluster.settings();
		int target = this.cluster.configuredWorkers();
		Map<String, String> env = new LinkedHashMap<>();
		if (current.env() != null) {
			env.putAll(current.env());
		}
		env.putAll(forkEnv);
		env.put(WorkerEnvironment.WORKER_ID, String.valueOf(id));
		env.put(WorkerEnvironment.WORKER_SLOT, String.valueOf(slot));
		env.put(WorkerEnvironment.PRIMARY_PID, String.valueOf(ProcessHandle.current().pid()));
		env.put(WorkerEnvironment.IPC_SOCKET, ipc.socketPath().toString());
		env.put(WorkerEnvironment.WORKER_TOKEN, token);
		env.put(WorkerEnvironment.MAX_MESSAGE_SIZE, String.valueOf(codecLimit));
		env.put(WorkerEnvironment.HEARTBEAT_INTERVAL,
				String.valueOf(this.properties.getHeartbeat().getInterval().toMillis()));
		if (this.options.port() != null) {
			env.put(WorkerEnvironment.SERVER_PORT, String.valueOf(this.options.port()));
		}
		if (this.options.managementPort() != null) {
			env.put(WorkerEnvironment.MANAGEMENT_PORT, String.valueOf(this.options.managementPort()));
		}
		if (this.options.acceptQueue() != null) {
			env.put(WorkerEnvironment.BALANCING, this.options.acceptQueue().mode());
		}
		if (warmsUp) {
			env.put(WorkerEnvironment.WARMUP, "true");
		}
		// Named by id, as the console prefix and the endpoint name the worker: a replacement
		// never writes into the file of the worker it replaces, even while both run
		String logFile = (this.options.logFile() != null) ? workerLogFile(this.options.logFile(), id) : null;
		if (logFile != null) {
			env.put(WorkerEnvironment.LOG_FILE, logFile);
		}
		// Sized for the current target: after scaling, new forks get the new share
		String cpus = (this.options.affinity() != null) ? this.options.affinity().forSlot(slot, target) : null;
		ImageLaunch image = Objects.equals(current.execArgv(), this.imageExecArgv) ? release.images().launch() : null;
		WorkerSizing sizing = this.options.shares().forWorkers(target, current.execArgv());
		WorkerCommand command = WorkerCommand.create(release.launch(), current, id, sizing,
				new WorkerCommand.Placement(cpus, false), image, env, ipc.directory());
		ProcessBuilder builder = processBuilder(command);
		// With the shared queue, the primary's standard input is the listening socket
		builder.redirectInput(Redirect.INHERIT);
		if (current.isSilent()) {
			builder.redirectOutput(Redirect.DISCARD).redirectError(Redirect.DISCARD);
		}
		Process process = builder.start();
		OomKills.preferAsVictim(process.pid());
		if (!current.isSilent()) {
			OutputRelay.start(process.getInputStream(), System.out, this.cluster.output(), id, false);
			OutputRelay.start(process.getErrorStream(), System.err, this.cluster.output(), id, true);
		}
		return new Started(process, logFile, image, sizing);
	}

	/**
	 * An image's training run: a worker's command (at the lowest priority unless a deploy waits
	 * for it), with the {@code cluster.env} variables but none of a worker's own, so that it
	 * starts the application plainly and never joins the cluster; it only learns the primary's
	 * pid, to end with it.
	 */
	private ProcessBuilder training(JvmLaunch launch, ImageLaunch training, boolean background) throws IOException {
		ClusterSettings current = this.cluster.settings();
		Map<String, String> env = new LinkedHashMap<>();
		if (current.env() != null) {
			env.putAll(current.env());
		}
		env.put(WorkerEnvironment.TRAINING_PRIMARY_PID, String.valueOf(ProcessHandle.current().pid()));
		WorkerSizing sizing = this.options.shares().forWorkers(this.cluster.configuredWorkers(), current.execArgv());
		WorkerCommand command = WorkerCommand.create(launch, current, 0, sizing,
				background ? WorkerCommand.Placement.BACKGROUND : WorkerCommand.Placement.ANYWHERE, training, env,
				this.cluster.ipcDirectory());
		return processBuilder(command).redirectInput(Redirect.from(new File("/dev/null")));
	}

	private static ProcessBuilder processBuilder(WorkerCommand command) {
		ProcessBuilder builder = new ProcessBuilder(command.command());
		builder.environment().putAll(command.environment());
		if (command.workingDirectory() != null) {
			builder.directory(command.workingDirectory().toFile());
		}
		return builder;
	}

	/**
	 * What the image is made from: the jar of a {@code java -jar} launch, else the class path.
	 */
	private static ImageSource imageSource(JvmLaunch launch) {
		if (launch.mainModule() != null) {
			return ImageSource.of(null, null, launch.mainModule());
		}
		if (launch.isJar()) {
			return ImageSource.of(launch.absolute(launch.classPath()), null, null);
		}
		return ImageSource.of(null, (launch.classPath() != null) ? launch.absolutePaths(launch.classPath()) : null, null);
	}

	private static String applicationName(JvmLaunch launch) {
		if (launch.mainClass() != null) {
			return launch.mainClass();
		}
		return (launch.classPath() != null) ? Path.of(launch.classPath()).getFileName().toString() : "application";
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

}
