package io.clusterstarter.primary;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.clusterstarter.ClusterPrimaryComponent;
import io.clusterstarter.autoconfigure.ClusterConfigurationException;
import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.autoconfigure.UnknownClusterProperties;
import io.clusterstarter.command.CpuAffinity;
import io.clusterstarter.command.JvmLaunch;
import io.clusterstarter.command.JvmOptions;
import io.clusterstarter.control.ClusterCommandLine;
import io.clusterstarter.control.ControlCommands;
import io.clusterstarter.control.ControlProgress;
import io.clusterstarter.control.ControlServer;
import io.clusterstarter.control.PrimaryControlSocket;
import io.clusterstarter.deploy.DeployRefusedException;
import io.clusterstarter.resources.MemoryLimit;
import io.clusterstarter.resources.OomKills;
import io.clusterstarter.resources.WorkerShares;
import io.clusterstarter.upgrade.PrimaryUpgrade;
import io.clusterstarter.upgrade.RetiredPrimary;
import io.clusterstarter.upgrade.ServiceKeeper;
import io.clusterstarter.upgrade.Successor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.ClassPathBeanDefinitionScanner;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Runs this JVM as the primary: checks the configuration, reserves the shared ports, creates the
 * primary's own small application context, forks the workers and waits for SIGTERM or SIGINT,
 * then shuts the cluster down. Everything that can be wrong is checked before the first fork.
 *
 * @author cluster-spring-boot-starter
 */
public final class PrimaryRunner {

	private static final Log logger = LogFactory.getLog(PrimaryRunner.class);

	/** More workers than this many per processor are worth a warning. */
	static final int OVERSUBSCRIBED = 2;

	private final SpringApplication application;

	private final String[] args;

	private final ConfigurableEnvironment environment;

	private final ClusterProperties properties;

	private final CountDownLatch stopRequested = new CountDownLatch(1);

	private final AtomicInteger signals = new AtomicInteger();

	private volatile PrimaryCluster cluster;

	private volatile PrimaryUpgrade upgrades;

	/** The new primary's process, once an upgrade handed over to it. */
	private volatile Process successor;

	/** This primary once retired by an upgrade, when it waits for the new one. */
	private volatile RetiredPrimary retired;

	/**
	 * Create the runner.
	 * @param application the application whose workers are forked
	 * @param args the program arguments
	 * @param environment the prepared environment
	 * @param properties the bound cluster properties
	 */
	public PrimaryRunner(SpringApplication application, String[] args, ConfigurableEnvironment environment,
			ClusterProperties properties) {
		this.application = application;
		this.args = args;
		this.environment = environment;
		this.properties = properties;
	}

	/**
	 * Run the cluster until it is stopped.
	 * @return the exit status for the primary
	 * @throws RuntimeException if the configuration is invalid; nothing is forked then
	 */
	public int run() {
		this.properties.validate();
		UnknownClusterProperties.warn(this.environment, this.application.getClassLoader());
		checkPlatform(System.getProperty("os.name", ""));
		int processors = Runtime.getRuntime().availableProcessors();
		int workers = this.properties.resolveWorkers(processors);
		warnIfOversubscribed(workers, processors, this.properties.resolveStartupConcurrency(processors));
		// Spring Boot binds spring.main.* to the application only after this point: read it here
		WebApplicationType type = this.environment.getProperty("spring.main.web-application-type",
				WebApplicationType.class, this.application.getWebApplicationType());
		boolean web = type != WebApplicationType.NONE;
		Integer port = web ? this.environment.getProperty("server.port", Integer.class, 8080) : null;
		if (port != null && port < 0) {
			port = null; // server.port=-1: no web server
		}
		// Started by an old primary for an upgrade: its ports, its control socket's name
		Successor successor = Successor.fromEnvironment(System.getenv());
		int status;
		try (ClusterPorts ports = (successor != null) ? ClusterPorts.takeOver(this.environment, successor)
				: ClusterPorts.take(this.environment, this.properties, port)) {
			JvmLaunch launch = JvmLaunch.current(this.args, this.application.getMainApplicationClass());
			WorkerShares shares = new WorkerShares(MemoryLimit.ofThisJvm(), processors,
					this.properties.isShareMemory(), this.properties.isShareProcessors(), launch.environment(),
					JvmOptions.commandLineOptions(launch.inputArguments(), launch.environment()));
			logSizes(shares, workers);
			OomKills.protectThisProcess();
			PrimaryOptions options = new PrimaryOptions(workers, ports.port(), ports.managementPort(),
					ports.acceptQueue(), this.environment.getProperty("logging.file.name"), shares, cpuAffinity(),
					Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()),
					this.properties.resolveStartupConcurrency(processors),
					(successor != null) ? successor.predecessorPid() : null,
					(successor != null) ? successor.reloadArtifact() : null);
			status = runCluster(launch, options, successor);
		}
		// After the ports are closed: the new primary takes the port's lock from here
		return awaitSuccessor(status, (successor != null) ? successor.predecessorPid() : null);
	}

	/**
	 * An old primary that an upgrade retired exits, or stays until the new primary exits, as
	 * {@code cluster.upgrade.old-primary} says; one that a waiting primary follows hands the
	 * cluster on to it and exits ({@link ServiceKeeper}).
	 */
	private int awaitSuccessor(int status, Long predecessor) {
		Process next = this.successor;
		if (next == null) {
			ServiceKeeper.exiting(System.getenv(), status);
			return status;
		}
		ProcessHandle keeper = ServiceKeeper.following(System.getenv(), predecessor).orElse(null);
		if (keeper != null) {
			// One waiting primary is enough: the first, which the service manager watches
			ServiceKeeper.handedOn(next.pid());
			logger.info("Exiting: the primary that the service manager watches (pid " + keeper.pid()
					+ ") now waits for the new primary (pid " + next.pid() + ") instead of this one");
			return status;
		}
		RetiredPrimary waiting = RetiredPrimary.of(next, this.properties.getUpgrade().getOldPrimary()).orElse(null);
		if (waiting == null) {
			logger.info("Exiting: the new primary (pid " + next.pid() + ") runs the cluster");
			return status;
		}
		this.retired = waiting;
		try {
			return waiting.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return 1;
		}
	}

	/**
	 * Each worker is a whole JVM: far more of them than processors makes every one slow, at start
	 * and under load, for no more throughput.
	 */
	static void warnIfOversubscribed(int workers, int processors, int startupConcurrency) {
		if (workers > OVERSUBSCRIBED * processors) {
			logger.warn(workers + " workers on " + processors + " processor" + ((processors != 1) ? "s" : "")
					+ ": each worker is a JVM of its own, so many more workers than processors start slowly and "
					+ "compete for the processors without serving more. Consider 'cluster.workers=auto' (one per "
					+ "processor). Workers start " + startupConcurrency + " at a time (cluster.startup-concurrency).");
		}
	}

	/**
	 * Say where the workers' heap and processor settings come from when an options variable
	 * sized them for one JVM, and warn when the workers cannot fit the memory.
	 */
	private void logSizes(WorkerShares shares, int workers) {
		for (WorkerShares.Note note : shares.notes(workers, this.properties.getExecArgv())) {
			if (note.warning()) {
				logger.warn(note.text());
			}
			else {
				logger.info(note.text());
			}
		}
	}

	private CpuAffinity cpuAffinity() {
		if (this.properties.getCpuAffinity() != ClusterProperties.CpuAffinity.SPREAD) {
			return null;
		}
		CpuAffinity affinity = CpuAffinity.ofCurrentProcess();
		if (affinity == null || !JvmLaunch.isOnPath("taskset")) {
			throw new ClusterConfigurationException(
					"cluster.cpu-affinity=spread pins workers with Linux's taskset, which is not available here.",
					"Install taskset (util-linux) or set 'cluster.cpu-affinity=none'.");
		}
		return affinity;
	}

	static void checkPlatform(String osName) {
		String os = osName.toLowerCase();
		if (os.startsWith("windows")) {
			throw new ClusterConfigurationException(
					"Cluster mode shares one port between worker JVMs with SO_REUSEPORT, which Windows does not support.",
					"Set 'cluster.enabled=false' to run the application in one JVM on Windows, or run it on Linux.");
		}
		if (os.contains("mac") || os.contains("darwin")) {
			logger.warn("macOS accepts SO_REUSEPORT but does not balance connections between workers: "
					+ "expect one worker to get most of the traffic. Use Linux in production.");
		}
	}

	private int runCluster(JvmLaunch launch, PrimaryOptions options, Successor successor) {
		PrimaryCluster cluster = new PrimaryCluster(this.properties, launch, options);
		ControlProgress progress = new ControlProgress();
		Function<String, ControlServer> openControl = (takenOver) -> PrimaryControlSocket.open(this.properties,
				this.environment, this.application.getMainApplicationClass(), options.port(),
				(name) -> new ControlCommands(cluster, this.properties, name, progress, this::stopFromControl),
				cluster.reloadArtifact(), takenOver);
		// Opened and created before anything is forked: a control socket that cannot be made,
		// or a primary component that cannot be created, is reported like any other start-up failure.
		// A new primary of an upgrade opens it under the old one's name once that one lets go of it.
		AtomicReference<ControlServer> control = new AtomicReference<>(
				(successor == null) ? openControl.apply(null) : null);
		AnnotationConfigApplicationContext context;
		try {
			context = createPrimaryContext(cluster, progress);
		}
		catch (RuntimeException ex) {
			closeControl(control);
			throw ex;
		}
		cluster.setEventPublisher(context);
		this.cluster = cluster;
		this.upgrades = new PrimaryUpgrade(new ClusterUpgradeTarget(cluster, options), this.properties, launch,
				controlName(control), this::retire);
		cluster.setUpgrades(this.upgrades);
		Thread safetyNet = new Thread(cluster::killAll, "cluster-primary-exit");
		Runtime.getRuntime().addShutdownHook(safetyNet);
		SignalHandlers.install(this::onSignal, this::onHangup, this::onUpgradeSignal, commandLine(launch));
		logger.info("Starting cluster primary (pid " + ProcessHandle.current().pid() + ") for "
				+ describeApplication() + ": forking " + options.workers() + " worker"
				+ ((options.workers() != 1) ? "s" : "") + ((options.port() != null) ? " on port " + options.port() : "")
				+ ((successor != null) ? " beside those of the old primary (pid " + successor.predecessorPid()
						+ "), which it takes over from once they are ready" : ""));
		PrimaryPreload.inBackground(this.application.getClassLoader());
		try {
			if (successor != null) {
				context.addApplicationListener(successor);
				successor.connect();
			}
			cluster.start();
			if (successor != null) {
				successor.handOver(cluster.up(), () -> control.set(openControl.apply(successor.controlName())),
						this::stopGracefully);
			}
			this.stopRequested.await();
			int killed = cluster.shutdown();
			logger.info("Cluster stopped" + ((killed > 0) ? " (" + killed + " killed after the timeout)" : ""));
			return 0;
		}
		catch (IOException ex) {
			logger.error("Could not start the cluster: " + ex.getMessage(), ex);
			cluster.killAll();
			return 1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			cluster.shutdown();
			return 1;
		}
		catch (RuntimeException ex) {
			logger.error("Cluster primary failed", ex);
			cluster.shutdown();
			return 1;
		}
		finally {
			context.close();
			// The control socket closes last: a 'stop' command's client learns from it that the cluster stopped
			closeControl(control);
			removeShutdownHook(safetyNet);
		}
	}

	private static void closeControl(AtomicReference<ControlServer> control) {
		ControlServer server = control.get();
		if (server != null) {
			server.close();
		}
	}

	/**
	 * The control socket's name, as an upgrade lets go of it for the new primary.
	 */
	private static PrimaryUpgrade.ControlName controlName(AtomicReference<ControlServer> control) {
		// Read at each call: a new primary of an upgrade opens its socket only once it takes over
		return new PrimaryUpgrade.ControlName() {

			@Override
			public String name() {
				ControlServer server = control.get();
				return (server != null) ? server.name() : null;
			}

			@Override
			public void release() {
				ControlServer server = control.get();
				if (server == null) {
					return;
				}
				try {
					server.releaseName();
				}
				catch (IOException ex) {
					logger.warn("Could not remove the control socket for the new primary: " + ex.getMessage());
				}
			}

			@Override
			public boolean isReleased() {
				ControlServer server = control.get();
				return server != null && server.isReleased();
			}

			@Override
			public void reclaim() throws IOException {
				ControlServer server = control.get();
				if (server != null) {
					server.reclaimName();
				}
			}

		};
	}

	/**
	 * The new primary of an upgrade has taken over: this primary's workers finish their
	 * requests and exit, as in a graceful shutdown.
	 */
	private void retire(Process next) {
		this.successor = next;
		if (this.signals.compareAndSet(0, 1)) {
			stopGracefully("Upgraded: the new primary (pid " + next.pid() + ") has taken over");
		}
	}

	private static void removeShutdownHook(Thread hook) {
		try {
			Runtime.getRuntime().removeShutdownHook(hook);
		}
		catch (IllegalStateException ex) {
			// Already shutting down: the hook runs and finds nothing left to kill
		}
	}

	/**
	 * The first SIGTERM or SIGINT starts a graceful shutdown; a second one, such as Ctrl-C
	 * pressed again, kills the workers at once.
	 */
	private void onSignal(String name) {
		if (passedOn(name)) {
			return;
		}
		if (this.signals.incrementAndGet() == 1) {
			stopGracefully("Received " + name);
		}
		else if (this.cluster != null) {
			logger.warn("Received " + name + " again; killing the workers now");
			this.cluster.killAll();
		}
	}

	/**
	 * A primary that an upgrade retired and that waits for the new one passes signals on to it.
	 * @return whether the signal was passed on
	 */
	private boolean passedOn(String signal) {
		RetiredPrimary waiting = this.retired;
		if (waiting == null) {
			return false;
		}
		waiting.forward(signal);
		return true;
	}

	private void stopGracefully(String why) {
		PrimaryCluster current = this.cluster;
		if (current != null) {
			current.stopRequested();
		}
		PrimaryUpgrade upgrade = this.upgrades;
		if (upgrade != null && this.successor == null) {
			upgrade.abort();
		}
		logger.info(why + "; shutting down the cluster");
		this.stopRequested.countDown();
	}

	/**
	 * The control socket's {@code stop}: a graceful shutdown, as the first SIGTERM starts; a
	 * second {@code stop} (or one after a signal) changes nothing.
	 */
	private void stopFromControl() {
		if (this.signals.compareAndSet(0, 1)) {
			stopGracefully("Asked to stop on the control socket");
		}
	}

	/**
	 * SIGHUP reloads, as it reloads Gunicorn's and Puma's workers: it deploys
	 * {@code cluster.deploy.artifact} (by default the launched jar, as named) when its content
	 * is not the release running, and otherwise restarts every worker.
	 */
	private void onHangup() {
		if (passedOn("HUP")) {
			return;
		}
		PrimaryCluster current = this.cluster;
		if (current == null) {
			return;
		}
		Path artifact = current.reloadArtifact();
		logger.info("Received SIGHUP; " + ((artifact != null) ? "reloading from " + artifact : "starting a rolling restart"));
		try {
			current.reload();
		}
		catch (IllegalStateException | DeployRefusedException ex) {
			logger.warn("Ignored SIGHUP: " + ex.getMessage());
		}
	}

	/**
	 * SIGUSR2 upgrades the primary, as it upgrades nginx's, Unicorn's and Gunicorn's masters: a
	 * new primary from {@code cluster.deploy.artifact}, else the launched jar as named.
	 */
	private void onUpgradeSignal() {
		if (passedOn("USR2")) {
			return;
		}
		PrimaryCluster current = this.cluster;
		if (current == null) {
			return;
		}
		logger.info("Received SIGUSR2; upgrading the primary");
		try {
			current.upgrade(null).exceptionally((ex) -> null);
		}
		catch (IllegalStateException | DeployRefusedException ex) {
			logger.warn("Ignored SIGUSR2: " + ex.getMessage());
		}
	}

	/** How the cluster's command line is run for this launch, for messages. */
	private static String commandLine(JvmLaunch launch) {
		return launch.isJar() ? "java -Djarmode=cluster -jar " + launch.absolute(launch.classPath())
				: "java -cp <class path> " + ClusterCommandLine.class.getName();
	}

	private String describeApplication() {
		Class<?> main = this.application.getMainApplicationClass();
		return (main != null) ? main.getName() : "the application";
	}

	/**
	 * The primary's own context: the cluster, its properties and the application's
	 * {@link ClusterPrimaryComponent} classes, with the application's environment so that
	 * {@code @Value} and profiles work, but no auto-configuration and no web server.
	 */
	private AnnotationConfigApplicationContext createPrimaryContext(PrimaryCluster cluster, ControlProgress progress) {
		AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
		context.addApplicationListener(progress);
		context.addApplicationListener(cluster.recentEvents());
		context.setEnvironment(this.environment);
		context.setClassLoader(this.application.getClassLoader());
		context.getBeanFactory().registerSingleton("cluster", cluster);
		context.getBeanFactory().registerSingleton("clusterProperties", this.properties);
		ClassPathBeanDefinitionScanner scanner = new ClassPathBeanDefinitionScanner(context, false, this.environment);
		scanner.addIncludeFilter(new AnnotationTypeFilter(ClusterPrimaryComponent.class));
		String[] packages = applicationPackages().toArray(String[]::new);
		if (packages.length > 0) {
			scanner.scan(packages);
		}
		context.refresh();
		return context;
	}

	/**
	 * The packages of the application's main class and sources, plus those their
	 * {@code @ComponentScan} (or {@code scanBasePackages}) names: the primary finds its
	 * components where the workers find theirs.
	 */
	private Set<String> applicationPackages() {
		Set<String> packages = new LinkedHashSet<>();
		Set<Class<?>> sources = new LinkedHashSet<>();
		Class<?> main = this.application.getMainApplicationClass();
		if (main != null) {
			sources.add(main);
		}
		for (Object source : this.application.getAllSources()) {
			if (source instanceof Class<?> type) {
				sources.add(type);
			}
		}
		for (Class<?> source : sources) {
			packages.add(ClassUtils.getPackageName(source));
			MergedAnnotations.from(source, SearchStrategy.TYPE_HIERARCHY)
				.stream(ComponentScan.class)
				.forEach((scan) -> {
					packages.addAll(Arrays.asList(scan.getStringArray("basePackages")));
					for (Class<?> type : scan.getClassArray("basePackageClasses")) {
						packages.add(ClassUtils.getPackageName(type));
					}
				});
		}
		packages.remove("");
		return packages;
	}

}
