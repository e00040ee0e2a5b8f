package io.clusterstarter.launch;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.primary.PrimaryRunner;
import io.clusterstarter.warmup.TrainingWarmup;
import io.clusterstarter.worker.WorkerEnvironment;
import io.clusterstarter.worker.WorkerLifecycle;
import io.clusterstarter.worker.WorkerPropertySource;
import io.clusterstarter.worker.WorkerRuntime;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringApplicationRunListener;
import org.springframework.boot.bootstrap.ConfigurableBootstrapContext;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Takes over {@code SpringApplication.run}. Once the environment is prepared (configuration
 * loaded, logging initialised) it decides this JVM's role:
 * <ul>
 * <li>a <b>worker</b>, when {@link io.clusterstarter.worker.WorkerEnvironmentPostProcessor} found
 * the primary's variables in the environment: it connects to the primary and the application
 * starts as usual;</li>
 * <li>the <b>primary</b>, when clustering is enabled and nothing forbids it: the application's
 * context is never created; this JVM forks and supervises the workers until it is stopped, then
 * exits;</li>
 * <li>a plain application otherwise (disabled, under a test framework, AOT, CDS training, DevTools'
 * restarter), or for every later {@code SpringApplication} in the same JVM.</li>
 * </ul>
 *
 * @author cluster-spring-boot-starter
 */
public class ClusterRunListener implements SpringApplicationRunListener, Ordered {

	private static final Log logger = LogFactory.getLog(ClusterRunListener.class);

	/** Only the first application run in a JVM may become the primary or a worker. */
	private static final AtomicBoolean roleDecided = new AtomicBoolean();

	private final SpringApplication application;

	private final String[] args;

	private WorkerLifecycle worker;

	/** Whether this JVM is a worker image's training run that warms up before it ends. */
	private boolean trainingWarmup;

	/**
	 * Create the listener; Spring Boot calls this for every application run.
	 * @param application the application
	 * @param args the program arguments
	 */
	public ClusterRunListener(SpringApplication application, String[] args) {
		this.application = application;
		this.args = args;
	}

	/**
	 * Run after Spring Boot's own listener, which initialises logging.
	 */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void environmentPrepared(ConfigurableBootstrapContext bootstrapContext,
			ConfigurableEnvironment environment) {
		if (!roleDecided.compareAndSet(false, true)) {
			return;
		}
		WorkerRuntime runtime = WorkerPropertySource.runtimeOf(environment);
		if (runtime != null) {
			this.worker = WorkerLifecycle.start(runtime, this.application);
			return;
		}
		ClusterProperties properties = Binder.get(environment).bindOrCreate("cluster", ClusterProperties.class);
		String reason = properties.isEnabled() ? TakeoverPolicy.reasonToRunPlainly() : "cluster.enabled=false";
		if (reason != null) {
			logger.info("Running without clustering: " + reason);
			String primaryPid = System.getenv(WorkerEnvironment.TRAINING_PRIMARY_PID);
			endWithPrimary(primaryPid);
			if (primaryPid != null && TrainingWarmup.isRequested()) {
				TrainingWarmup.prepare(environment);
				this.trainingWarmup = true;
			}
			return;
		}
		int status = new PrimaryRunner(this.application, this.args, environment, properties).run();
		System.exit(status);
	}

	/**
	 * A worker image's training run ends when the primary that started it does, even one killed
	 * with SIGKILL: it is not a worker, so no channel to the primary tells it.
	 */
	private static void endWithPrimary(String primaryPid) {
		if (primaryPid == null) {
			return;
		}
		try {
			ProcessHandle.of(Long.parseLong(primaryPid))
				.map(ProcessHandle::onExit)
				.orElse(CompletableFuture.completedFuture(null))
				.thenRun(() -> {
					logger.warn("The cluster primary (pid " + primaryPid + ") has exited; ending this training run");
					Runtime.getRuntime().halt(1);
				});
		}
		catch (NumberFormatException ex) {
			logger.debug("Ignored a malformed " + WorkerEnvironment.TRAINING_PRIMARY_PID + ": " + primaryPid);
		}
	}

	@Override
	public void started(ConfigurableApplicationContext context, Duration timeTaken) {
		if (this.worker != null) {
			this.worker.started(context);
		}
	}

	@Override
	public void ready(ConfigurableApplicationContext context, Duration timeTaken) {
		if (this.worker != null) {
			this.worker.ready(context);
		}
		else if (this.trainingWarmup) {
			TrainingWarmup.runThenExit(context);
		}
	}

}
