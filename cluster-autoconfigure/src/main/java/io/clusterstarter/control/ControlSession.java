package io.clusterstarter.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * One command on the control socket, as its handler sees it: the arguments, and the frames it
 * writes back. Every write happens on the session's own thread; one that blocks (a client
 * suspended with Ctrl-Z) is cut off by the server after a time-out, so no session holds the
 * primary up. A write to a client that went away throws {@link IOException}, which ends the
 * command.
 *
 * @author cluster-spring-boot-starter
 */
public final class ControlSession {

	private final SocketChannel channel;

	private final List<String> args;

	private final Path workingDirectory;

	private volatile long writingSince;

	private volatile long lastWrite = System.nanoTime();

	ControlSession(SocketChannel channel, List<String> args, Path workingDirectory) {
		this.channel = channel;
		this.args = args;
		this.workingDirectory = workingDirectory;
	}

	/**
	 * Return the command and its arguments.
	 * @return the arguments, the command first
	 */
	public List<String> args() {
		return this.args;
	}

	/**
	 * Return the client's working directory, against which paths it names are resolved.
	 * @return the directory
	 */
	public Path workingDirectory() {
		return this.workingDirectory;
	}

	/**
	 * Print text on the client's standard output, one frame per line.
	 * @param text the text
	 * @throws IOException if the client went away
	 */
	public void out(String text) throws IOException {
		lines('o', text);
	}

	/**
	 * Print text on the client's standard error, one frame per line.
	 * @param text the text
	 * @throws IOException if the client went away
	 */
	public void err(String text) throws IOException {
		lines('e', text);
	}

	/**
	 * Clear the client's screen, before the next frame of a live view.
	 * @throws IOException if the client went away
	 */
	public void clear() throws IOException {
		write("c\n");
	}

	/**
	 * Tell the client the command still runs, if nothing was sent for a while.
	 * @throws IOException if the client went away
	 */
	public void keepAlive() throws IOException {
		if (System.nanoTime() - this.lastWrite > ControlProtocol.KEEP_ALIVE_MILLIS * 1_000_000 / 2) {
			write("k\n");
		}
	}

	void exit(int status) throws IOException {
		write("x " + status + "\n");
	}

	private void lines(char type, String text) throws IOException {
		StringBuilder frames = new StringBuilder();
		for (String line : text.split("\r?\n", -1)) {
			frames.append(type).append(' ').append(line).append('\n');
		}
		write(frames.toString());
	}

	private synchronized void write(String frames) throws IOException {
		ByteBuffer bytes = ByteBuffer.wrap(frames.getBytes(StandardCharsets.UTF_8));
		this.writingSince = System.nanoTime();
		try {
			while (bytes.hasRemaining()) {
				this.channel.write(bytes);
			}
		}
		finally {
			this.writingSince = 0;
			this.lastWrite = System.nanoTime();
		}
	}

	/**
	 * Return how long the current write has been blocked, in nanoseconds, or 0.
	 */
	long blockedNanos() {
		long since = this.writingSince;
		return (since != 0) ? System.nanoTime() - since : 0;
	}

}
