package io.clusterstarter.image;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.image.ImagePreparation.ImageException;
import io.clusterstarter.warmup.TrainingWarmup;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.util.FileSystemUtils;

/**
 * The worker image of one primary, from the decision whether there can be one to the image the
 * workers start from. At start-up it looks for an image made earlier for the same jars, JVM and
 * options ({@link ImageKey}) and uses it at once, first workers included. Otherwise it prepares
 * one once the cluster is up, on a thread of its own, and every worker forked after that starts
 * from it. A failure is logged once, with the reason and the training log, and the cluster carries
 * on as before; it is not retried until the primary starts again.
 *
 * @author cluster-spring-boot-starter
 */
public final class WorkerImages implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(WorkerImages.class);

	/** Images kept per application, the current one included. */
	static final int KEEP = 2;

	private static final String TRAINING_LOG = "training.log";

	/** An unpacked jar packed again, for the extraction; its name is the extracted jar's. */
	private static final String PACKED_JAR = "application.jar";

	private static final List<String> OWN_ARCHIVE_OPTIONS = List.of("-XX:SharedArchiveFile", "-XX:AOTCache",
			"-XX:AOTMode", "-XX:AOTConfiguration", "-XX:ArchiveClassesAtExit", "-XX:AOTCacheOutput", "-Xshare:",
			"-XX:-UseSharedSpaces", "-XX:+AutoCreateSharedArchive");

	/** The image's state, as {@code /actuator/cluster} shows it. */
	public enum State {

		/** No image: turned off, or the launch cannot have one. */
		OFF,

		/** Waiting for the cluster to be up, or being made. */
		PREPARING,

		/** Workers start from it. */
		READY,

		/** It could not be made, or the JVM refused its cache. */
		FAILED

	}

	/** Builds the training run's process the way a worker's is built. */
	@FunctionalInterface
	public interface TrainingCommand {

		/**
		 * Build the training run.
		 * @param training what the image changes in the command
		 * @param background whether it runs at the lowest priority, so that serving workers keep
		 * the processors; a deploy that waits for it runs it at normal priority instead, since
		 * at the lowest one it may not get a processor at all while the workers are busy
		 * @return the process to start
		 * @throws IOException if the command cannot be written
		 */
		ProcessBuilder create(ImageLaunch training, boolean background) throws IOException;

	}

	private final ClusterProperties.Image properties;

	private final ImageSource source;

	private final String java;

	private final CacheFormat format;

	private final TrainingCommand trainingCommand;

	/**
	 * What the training run warms up with ({@code cluster.image.training-warmup}), or
	 * {@code null} for a run up to the context's refresh.
	 */
	private String trainingWarmup;

	private final String jvm = ImageKey.currentJvm();

	private volatile State state;

	private volatile String reason;

	private volatile ImageLaunch launch;

	private volatile Path directory;

	private String key;

	private ImageStore store;

	private FileLock inUse;

	private Thread preparer;

	private volatile ImagePreparation preparation;

	private volatile boolean closed;

	/** Whether the preparation runs because a deploy waits for it. */
	private volatile boolean awaited;

	/** The cache file as verified, to notice a change before each fork. */
	private CacheCheck cacheCheck;

	private WorkerImages(ClusterProperties.Image properties, ImageSource source, String java, CacheFormat format,
			TrainingCommand trainingCommand) {
		this.properties = properties;
		this.source = source;
		this.java = java;
		this.format = format;
		this.trainingCommand = trainingCommand;
	}

	/**
	 * Decide whether the workers get an image, and use one made earlier when there is one.
	 * @param properties the image properties
	 * @param source what the image would be made from
	 * @param application the application's name, for its directory
	 * @param java the {@code java} executable the workers run
	 * @param options the workers' JVM options as the user gave them
	 * @param environment the primary's environment, for the default directory
	 * @param trainingCommand builds the training run
	 * @return the images
	 */
	public static WorkerImages open(ClusterProperties.Image properties, ImageSource source, String application,
			String java, List<String> options, Map<String, String> environment, TrainingCommand trainingCommand,
			String trainingWarmup) {
		WorkerImages images = new WorkerImages(properties, source, java,
				CacheFormat.forJava(Runtime.version().feature()), trainingCommand);
		images.trainingWarmup = trainingWarmup;
		images.decide(application, options, environment);
		return images;
	}

	private void decide(String application, List<String> options, Map<String, String> environment) {
		String off = offReason(options);
		if (off != null) {
			this.state = State.OFF;
			this.reason = off;
			if (this.properties.isEnabled()) {
				logger.info("Workers start without an image: " + off);
			}
			return;
		}
		Path root = root(this.properties, environment);
		try {
			// The training run's own arguments (a profile, say) change what it caches too
			List<String> keyed = new ArrayList<>(options);
			this.properties.getTrainingArgs().forEach((argument) -> keyed.add("training-arg " + argument));
			// And so does a warm-up in it, by the requests it sends
			if (this.trainingWarmup != null) {
				keyed.add("training-warmup " + this.trainingWarmup);
			}
			this.key = ImageKey.of(this.source, this.jvm, keyed);
		}
		catch (IOException ex) {
			fail("the application's jars cannot be read: " + ex.getMessage(), null);
			return;
		}
		try {
			this.store = ImageStore.open(root, safeName(application));
			this.directory = this.store.image(this.key);
		}
		catch (IOException ex) {
			fail("the images directory cannot be used: " + ex.getMessage(), null);
			return;
		}
		this.state = State.PREPARING;
		if (this.store.isReady(this.key) && adopt(null, true)) {
			logger.info("Workers start from the image " + this.directory + " (" + describe() + ")");
		}
	}

	private String offReason(List<String> options) {
		if (!this.properties.isEnabled()) {
			return "cluster.image.enabled=false";
		}
		if (this.source.unsupportedReason() != null) {
			return this.source.unsupportedReason();
		}
		for (String option : options) {
			for (String own : OWN_ARCHIVE_OPTIONS) {
				if (option.startsWith(own)) {
					return "the JVM options choose the class-data archive themselves (" + option + ")";
				}
			}
			if ((option.startsWith("-agentlib:jdwp") || option.startsWith("-Xrunjdwp")) && option.contains("server=y")) {
				return "a debugger agent listens (" + option + ")";
			}
		}
		return null;
	}

	/**
	 * The directory images (and the releases' copies) are kept in: {@code cluster.image.directory},
	 * else {@link #defaultRoot(Map) the default}.
	 * @param properties the image properties
	 * @param environment the environment
	 * @return the directory
	 */
	public static Path root(ClusterProperties.Image properties, Map<String, String> environment) {
		return (properties.getDirectory() != null) ? properties.getDirectory() : defaultRoot(environment);
	}

	/**
	 * The directory images are kept in when {@code cluster.image.directory} is not set: the
	 * user's cache directory, else the temporary directory.
	 * @param environment the environment
	 * @return the directory
	 */
	static Path defaultRoot(Map<String, String> environment) {
		String cache = environment.get("XDG_CACHE_HOME");
		Path base = null;
		if (cache != null && !cache.isBlank() && Path.of(cache).isAbsolute()) {
			base = Path.of(cache);
		}
		else {
			String home = System.getProperty("user.home");
			if (home != null && !home.isBlank() && !home.equals("?") && Files.isWritable(Path.of(home))) {
				base = Path.of(home, ".cache");
			}
		}
		if (base == null) {
			return PrivateDirectory.inTemporaryDirectory().resolve("images");
		}
		return base.resolve("cluster-spring-boot").resolve("images");
	}

	/**
	 * Turn an application's name into the name of its directory.
	 * @param name the main class, or the jar's name
	 * @return a safe file name
	 */
	public static String safeName(String name) {
		String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
		return (safe.isEmpty() || safe.startsWith(".")) ? "application" + safe : safe;
	}

	/**
	 * Start preparing the image, unless it is ready, failed or off: called once the cluster is
	 * up, so that the first workers do not wait for it.
	 */
	public synchronized void prepareInBackground() {
		if (this.state != State.PREPARING || this.preparer != null || this.closed) {
			return;
		}
		this.preparer = new Thread(this::prepare, "cluster-image");
		this.preparer.setDaemon(true);
		this.preparer.setPriority(Thread.MIN_PRIORITY);
		this.preparer.start();
	}

	/**
	 * Prepare the image on the calling thread, as a deploy does before its first worker, unless
	 * it is ready, failed or off; the training run gets a normal priority, since the deploy
	 * waits for it. Bounded by {@code cluster.image.training-timeout}; a failure is logged and
	 * leaves the image failed, and workers start from the jar.
	 * @return whether the image is ready
	 */
	public boolean prepareNow() {
		synchronized (this) {
			if (this.state != State.PREPARING || this.preparer != null || this.closed) {
				return this.state == State.READY;
			}
			this.preparer = Thread.currentThread();
			this.awaited = true;
		}
		try {
			prepare();
		}
		finally {
			synchronized (this) {
				this.preparer = null;
			}
		}
		return this.state == State.READY;
	}

	private void prepare() {
		Instant start = Instant.now();
		try {
			FileLock lock = this.store.lockForPreparation(this.key, this.properties.getTrainingTimeout().multipliedBy(2));
			if (lock == null) {
				fail("another primary has been preparing it for longer than twice cluster.image.training-timeout", null);
				return;
			}
			boolean made = false;
			try {
				if (!this.store.isReady(this.key)) {
					make();
					made = true;
				}
			}
			finally {
				lock.release();
				lock.channel().close();
			}
			// One this primary has just made and checksummed needs no second read; one another
			// primary made while this one waited does
			if (adopt(Duration.between(start, Instant.now()), !made)) {
				this.store.removeOld(this.key, KEEP);
			}
			else if (this.state == State.PREPARING) {
				fail("the image was incomplete once made (removed meanwhile?)", null);
			}
		}
		catch (ImageException ex) {
			fail(ex.getMessage(), this.directory.resolve(TRAINING_LOG));
		}
		catch (IOException ex) {
			fail("could not write the image: " + ex.getMessage(), null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void make() throws IOException {
		// Half made by a primary that died: start again
		FileSystemUtils.deleteRecursively(this.directory);
		Files.createDirectory(this.directory);
		ImagePreparation preparation = new ImagePreparation(this.properties.getTrainingTimeout(),
				Files.createFile(this.directory.resolve(TRAINING_LOG)));
		synchronized (this) {
			this.preparation = preparation;
			if (this.closed) {
				preparation.cancel();
			}
		}
		String jar = null;
		if (this.source.executableJar() != null) {
			jar = preparation.extract(this.java, this.source.executableJar(), this.directory).toString();
		}
		else if (this.source.explodedJar() != null) {
			Path packed = this.directory.resolve(PACKED_JAR);
			ExplodedJar.pack(this.source.explodedJar(), packed);
			jar = preparation.extract(this.java, packed, this.directory).toString();
			Files.delete(packed);
		}
		Path cache = this.directory.resolve(this.format.fileName());
		// Up to the context's refresh, or, with a warm-up, fully started, warmed up, then ended
		ImageLaunch training = new ImageLaunch(jar,
				List.of(this.format.writeOption(cache.toString()),
						(this.trainingWarmup != null) ? TrainingWarmup.OPTION : "-Dspring.context.exit=onRefresh"),
				this.properties.getTrainingArgs(), cache);
		preparation.train(this.trainingCommand.create(training, !this.awaited), cache);
		Properties ready = new Properties();
		ready.setProperty("jar", (jar != null) ? jar : "");
		ready.setProperty("cache", cache.toString());
		ready.setProperty("size", String.valueOf(Files.size(cache)));
		ready.setProperty("sha256", CacheCheck.sha256(cache));
		ready.setProperty("jvm", this.jvm);
		try (Writer writer = Files.newBufferedWriter(this.directory.resolve(ImageStore.READY), StandardCharsets.UTF_8)) {
			ready.store(writer, "A worker image of cluster-spring-boot-starter");
		}
	}

	/**
	 * Start using the image on disk. Returns {@code false} when it is gone, incomplete or (when
	 * {@code verify}) damaged.
	 */
	private synchronized boolean adopt(Duration preparedIn, boolean verify) {
		if (this.closed) {
			return false;
		}
		try {
			Properties ready = new Properties();
			try (Reader reader = Files.newBufferedReader(this.directory.resolve(ImageStore.READY),
					StandardCharsets.UTF_8)) {
				ready.load(reader);
			}
			Path cache = Path.of(ready.getProperty("cache", ""));
			String jar = ready.getProperty("jar", "");
			if (!Files.isRegularFile(cache) || (!jar.isEmpty() && !Files.isRegularFile(Path.of(jar)))) {
				return false;
			}
			// The JVM trusts the file: a truncated or overwritten one crashes it (SIGBUS) instead of
			// being ignored, so it is checked before any worker maps it
			String damage = verify
					? CacheCheck.damage(cache, ready.getProperty("size", ""), ready.getProperty("sha256", "")) : null;
			if (damage != null) {
				this.store.invalidate(this.key);
				fail(damage + "; it is made again at the next start", null);
				return false;
			}
			this.cacheCheck = CacheCheck.of(cache);
			this.inUse = this.store.markInUse(this.key);
			this.launch = new ImageLaunch(jar.isEmpty() ? null : jar, List.of(this.format.readOption(cache.toString())),
					List.of(), cache);
			this.state = State.READY;
			this.reason = null;
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not use the image " + this.directory, ex);
			return false;
		}
		if (preparedIn != null) {
			logger.info(String.format("Worker image ready in %.1f s: %s; workers forked from now on start from it (%s)",
					preparedIn.toMillis() / 1000.0, describe(), this.directory));
		}
		return true;
	}

	private String describe() {
		return String.format("%s of %.1f MB for %s", (this.format == CacheFormat.AOT_CACHE) ? "AOT cache" : "CDS archive",
				size() / 1_000_000.0, this.jvm);
	}

	private long size() {
		ImageLaunch current = this.launch;
		try {
			return (current != null) ? Files.size(current.cacheFile()) : 0;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private synchronized void fail(String why, Path log) {
		if (this.closed) {
			return;
		}
		this.state = State.FAILED;
		this.reason = why;
		this.launch = null;
		logger.warn("Workers start without an image: " + why + ((log != null) ? "; see " + log : ""));
	}

	/**
	 * Return how workers start from the image now.
	 * @return the image's launch, or {@code null} while there is no ready image
	 */
	public synchronized ImageLaunch launch() {
		ImageLaunch current = this.launch;
		if (current != null && !this.cacheCheck.isUnchanged()) {
			giveUp(current, "the class-data cache " + current.cacheFile() + " changed after it was checked");
			return null;
		}
		return current;
	}

	/**
	 * Note that a worker started with the image's options without the JVM mapping its cache,
	 * which the JVM does silently (another JVM build, other options, a damaged file). The
	 * image is given up for this primary's life and prepared again at its next start.
	 * @param worker the worker, for the log
	 * @param launched the image it was started with
	 */
	public void refused(String worker, ImageLaunch launched) {
		giveUp(launched, "the JVM did not map the class-data cache " + launched.cacheFile() + " in " + worker
				+ "; start a worker with -Xlog:cds (Java 17-24) or -Xlog:aot (Java 25+) to see why");
	}

	/**
	 * Note that a worker launched from the image crashed before it served: the JVM may have
	 * failed on the cache. The image is given up for this primary's life, so that the
	 * replacement starts from the jar.
	 * @param worker the worker, for the log
	 * @param launched the image it was started with
	 * @param signal the signal that ended it
	 */
	public void crashed(String worker, ImageLaunch launched, String signal) {
		giveUp(launched, worker + " ended by " + signal + " before it served, started from the image");
	}

	private synchronized void giveUp(ImageLaunch launched, String why) {
		if (this.state != State.READY || this.launch != launched) {
			return;
		}
		this.store.invalidate(this.key);
		releaseInUse();
		fail(why, null);
	}

	/**
	 * Return the image's state for {@code /actuator/cluster}.
	 * @return the state
	 */
	public ClusterSnapshot.Image snapshot() {
		State current = this.state;
		boolean ready = current == State.READY;
		Path where = this.directory;
		return new ClusterSnapshot.Image(current.name().toLowerCase(), this.reason,
				(where != null) ? where.toString() : null, (current != State.OFF) ? this.jvm : null,
				ready ? this.format.name().toLowerCase().replace('_', '-') : null, ready ? size() : null);
	}

	/**
	 * Stop a preparation in progress (its processes are killed) and release the image.
	 */
	@Override
	public synchronized void close() {
		this.closed = true;
		ImagePreparation current = this.preparation;
		if (current != null) {
			current.cancel();
		}
		if (this.preparer != null) {
			this.preparer.interrupt();
		}
		releaseInUse();
	}

	private void releaseInUse() {
		if (this.inUse != null) {
			try {
				this.inUse.release();
				this.inUse.channel().close();
			}
			catch (IOException ex) {
				// Released with the process anyway
			}
			this.inUse = null;
		}
	}

}
