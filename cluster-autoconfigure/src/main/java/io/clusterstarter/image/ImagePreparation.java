package io.clusterstarter.image;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.clusterstarter.resources.OomKills;

/**
 * The two steps that make a worker image, each a child process of the primary whose output goes
 * to the image's {@code training.log}: Spring Boot's own extraction of an executable jar
 * ({@code java -Djarmode=tools -jar app.jar extract}, the default layout that keeps the JVM's
 * application class loader), then the training run, which starts the application up to the
 * refresh of its context ({@code -Dspring.context.exit=onRefresh}) and writes the class-data
 * cache as the JVM exits, at the lowest scheduling priority so that serving workers keep the
 * processors. Neither binds a port or joins the cluster.
 *
 * @author cluster-spring-boot-starter
 */
final class ImagePreparation {

	private final Duration timeout;

	private final Path log;

	private volatile Process running;

	private volatile boolean cancelled;

	ImagePreparation(Duration timeout, Path log) {
		this.timeout = timeout;
		this.log = log;
	}

	/**
	 * Extract an executable jar into {@code <image>/app}.
	 * @param java the {@code java} executable the workers run
	 * @param executableJar the jar
	 * @param image the image's directory
	 * @return the extracted application jar
	 * @throws ImageException if the extraction fails
	 */
	Path extract(String java, Path executableJar, Path image) {
		Path destination = image.resolve("app");
		run(new ProcessBuilder(java, "-Djarmode=tools", "-jar", executableJar.toString(), "extract", "--destination",
				destination.toString()), "The extraction of " + executableJar.getFileName());
		Path jar = destination.resolve(executableJar.getFileName());
		if (!Files.isRegularFile(jar)) {
			throw new ImageException("The extraction wrote no " + jar.getFileName()
					+ " (is spring-boot-jarmode-tools packaged in the jar?)");
		}
		return jar;
	}

	/**
	 * Run the training run and check that it wrote the cache.
	 * @param training the training run's process, built like a worker's
	 * @param cache the cache file it writes
	 * @throws ImageException if it fails, times out or writes no cache
	 */
	void train(ProcessBuilder training, Path cache) {
		run(training, "The training run");
		try {
			if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
				throw new ImageException("The training run wrote no class-data cache");
			}
		}
		catch (IOException ex) {
			throw new ImageException("Could not read the class-data cache: " + ex.getMessage());
		}
	}

	private void run(ProcessBuilder builder, String what) {
		builder.redirectErrorStream(true).redirectOutput(Redirect.appendTo(this.log.toFile()));
		Process process;
		try {
			synchronized (this) {
				if (this.cancelled) {
					throw new ImageException(what + " was cancelled: the cluster is stopping");
				}
				process = builder.start();
				OomKills.preferAsVictim(process.pid());
				this.running = process;
			}
		}
		catch (IOException ex) {
			throw new ImageException(what + " could not start: " + ex.getMessage());
		}
		try {
			if (!process.waitFor(this.timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				kill(process);
				throw new ImageException(what + " took longer than cluster.image.training-timeout ("
						+ this.timeout.toSeconds() + " s) and was stopped");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			kill(process);
			throw new ImageException(what + " was cancelled: the cluster is stopping");
		}
		finally {
			this.running = null;
		}
		if (this.cancelled) {
			throw new ImageException(what + " was cancelled: the cluster is stopping");
		}
		if (process.exitValue() != 0) {
			throw new ImageException(what + " exited with code " + process.exitValue());
		}
	}

	/**
	 * Stop whatever runs now, and anything that would start after: the primary is stopping and
	 * leaves no process behind.
	 */
	void cancel() {
		Process process;
		synchronized (this) {
			this.cancelled = true;
			process = this.running;
		}
		if (process != null) {
			kill(process);
		}
	}

	private static void kill(Process process) {
		// The JDK 25 training run starts a JVM of its own for the assembly phase
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
		try {
			process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Why an image could not be made, in words for the log and the cluster endpoint.
	 */
	static final class ImageException extends RuntimeException {

		ImageException(String message) {
			super(message);
		}

	}

}
