package io.clusterstarter.upgrade;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.clusterstarter.image.PrivateDirectory;

/**
 * The private channel between a primary and the new primary it starts for an upgrade: a
 * Unix-domain socket in this user's private directory, one connection, one line per message.
 * The new primary says who it is ({@link #HELLO}), then that its workers are all ready
 * ({@link #READY}) or why it gives up ({@link #FAILED}); the old one says when the new one may
 * take the control socket's name ({@link #TAKE_OVER}), and hears when it has ({@link #TAKEN}).
 *
 * @author cluster-spring-boot-starter
 */
final class HandoverChannel implements Closeable {

	/** The new primary's first line, with its pid. */
	static final String HELLO = "hello";

	/** Every worker of the new primary is ready. */
	static final String READY = "ready";

	/** The new primary gives up, with the reason. */
	static final String FAILED = "failed";

	/** The old primary has let go of the control socket's name. */
	static final String TAKE_OVER = "take-over";

	/** The new primary holds the control socket's name and the pid files. */
	static final String TAKEN = "taken";

	/** What {@link #receive(Duration)} returns once the other side has closed the channel. */
	static final String CLOSED = "";

	private final SocketChannel channel;

	private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

	private HandoverChannel(SocketChannel channel) {
		this.channel = channel;
		Thread reader = new Thread(this::read, "cluster-upgrade-channel");
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * The socket an old primary listens on for its new primary: not blocking, so that the old
	 * primary can watch the new one's process while it waits for the connection.
	 * @param oldPrimaryPid the old primary's pid, which names the socket
	 * @return the listening socket
	 * @throws IOException if it cannot be made
	 */
	static ServerSocketChannel listen(long oldPrimaryPid) throws IOException {
		Path socket = socket(oldPrimaryPid);
		Files.deleteIfExists(socket);
		ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		server.bind(UnixDomainSocketAddress.of(socket));
		server.configureBlocking(false);
		return server;
	}

	/**
	 * The socket's path, in a directory only this user may enter.
	 * @param oldPrimaryPid the old primary's pid
	 * @return the path
	 * @throws IOException if the directory cannot be made
	 */
	static Path socket(long oldPrimaryPid) throws IOException {
		return PrivateDirectory.ensure(PrivateDirectory.inTemporaryDirectory()).resolve("upgrade-" + oldPrimaryPid + ".sock");
	}

	/**
	 * Take the new primary's connection, if it has come.
	 * @param server the listening socket
	 * @return the channel, or {@code null}
	 * @throws IOException if the accept fails
	 */
	static HandoverChannel accept(ServerSocketChannel server) throws IOException {
		SocketChannel accepted = server.accept();
		if (accepted == null) {
			return null;
		}
		accepted.configureBlocking(true);
		return new HandoverChannel(accepted);
	}

	/**
	 * Connect to the old primary.
	 * @param socket its socket
	 * @return the channel
	 * @throws IOException if it cannot be reached
	 */
	static HandoverChannel connect(Path socket) throws IOException {
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		try {
			channel.connect(UnixDomainSocketAddress.of(socket));
			return new HandoverChannel(channel);
		}
		catch (IOException ex) {
			channel.close();
			throw ex;
		}
	}

	/**
	 * Send a message.
	 * @param message one line: a word, then what it carries
	 * @throws IOException if the other side is gone
	 */
	synchronized void send(String message) throws IOException {
		ByteBuffer buffer = ByteBuffer.wrap((message.replace('\n', ' ') + "\n").getBytes(StandardCharsets.UTF_8));
		while (buffer.hasRemaining()) {
			this.channel.write(buffer);
		}
	}

	/**
	 * Wait for the next message.
	 * @param timeout how long to wait
	 * @return the message, {@link #CLOSED} once the other side has closed the channel, or
	 * {@code null} if none came in time
	 * @throws InterruptedException if interrupted
	 */
	String receive(Duration timeout) throws InterruptedException {
		String message = this.received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		if (CLOSED.equals(message)) {
			this.received.add(CLOSED); // and at every later call
		}
		return message;
	}

	private void read() {
		try (BufferedReader in = new BufferedReader(
				new InputStreamReader(Channels.newInputStream(this.channel), StandardCharsets.UTF_8))) {
			for (String line = in.readLine(); line != null; line = in.readLine()) {
				if (!line.isBlank()) {
					this.received.add(line.strip());
				}
			}
		}
		catch (IOException ex) {
			// Closed: said below
		}
		this.received.add(CLOSED);
	}

	/**
	 * The word a message starts with.
	 * @param message the message
	 * @return its first word
	 */
	static String word(String message) {
		int space = message.indexOf(' ');
		return (space < 0) ? message : message.substring(0, space);
	}

	/**
	 * What a message carries after its word.
	 * @param message the message
	 * @return the rest, or an empty string
	 */
	static String rest(String message) {
		int space = message.indexOf(' ');
		return (space < 0) ? "" : message.substring(space + 1);
	}

	@Override
	public void close() {
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// Closing anyway
		}
	}

}
