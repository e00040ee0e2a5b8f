package io.clusterstarter.observe;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Copies a worker's standard output or error to the primary's, line by line, each line prefixed
 * with the worker it came from, and keeps each line in the {@link WorkerOutput} for the control
 * socket's {@code logs}. Lines are written whole under a shared lock, so lines of different
 * workers never interleave mid-line.
 *
 * @author cluster-spring-boot-starter
 */
public final class OutputRelay implements Runnable {

	private static final int MAX_LINE = 64 * 1024;

	private static final Object LOCK = new Object();

	private final InputStream input;

	private final PrintStream output;

	private final byte[] prefix;

	private final WorkerOutput kept;

	private final int workerId;

	private final boolean error;

	private OutputRelay(InputStream input, PrintStream output, WorkerOutput kept, int workerId, boolean error) {
		this.input = input;
		this.output = output;
		this.prefix = ("[worker " + workerId + "] ").getBytes(StandardCharsets.UTF_8);
		this.kept = kept;
		this.workerId = workerId;
		this.error = error;
	}

	/**
	 * Start relaying on a daemon thread.
	 * @param input the worker's stream
	 * @param output where to write
	 * @param kept where the recent lines are kept
	 * @param workerId the worker id shown on each line
	 * @param error whether the stream is the worker's standard error
	 */
	public static void start(InputStream input, PrintStream output, WorkerOutput kept, int workerId, boolean error) {
		Thread thread = new Thread(new OutputRelay(input, output, kept, workerId, error),
				"cluster-output-" + workerId + (error ? "-err" : ""));
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void run() {
		byte[] line = new byte[256];
		int length = 0;
		byte[] buffer = new byte[8192];
		try (InputStream in = this.input) {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				for (int i = 0; i < read; i++) {
					byte b = buffer[i];
					if (length == line.length) {
						line = Arrays.copyOf(line, Math.min(line.length * 2, MAX_LINE + 1));
					}
					line[length++] = b;
					if (b == '\n' || length > MAX_LINE) {
						write(line, length);
						length = 0;
					}
				}
			}
		}
		catch (IOException ex) {
			// The worker is gone; whatever it wrote last is flushed below
		}
		if (length > 0) {
			line = Arrays.copyOf(line, length + 1);
			line[length] = '\n';
			write(line, length + 1);
		}
	}

	private void write(byte[] line, int length) {
		synchronized (LOCK) {
			this.output.write(this.prefix, 0, this.prefix.length);
			this.output.write(line, 0, length);
			if (line[length - 1] != '\n') {
				this.output.write('\n');
			}
			this.output.flush();
		}
		int end = length;
		while (end > 0 && (line[end - 1] == '\n' || line[end - 1] == '\r')) {
			end--;
		}
		this.kept.add(this.workerId, this.error, new String(line, 0, end, StandardCharsets.UTF_8));
	}

}
