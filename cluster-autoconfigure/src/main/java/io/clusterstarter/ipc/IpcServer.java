package io.clusterstarter.ipc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The primary's end of IPC: a Unix-domain socket in a directory only the current user can enter.
 * Each connection must open with a {@link IpcMessage.Hello} whose token matches the one issued to
 * that worker; anything else, or silence past the handshake timeout, closes the connection.
 *
 * @author cluster-spring-boot-starter
 */
public class IpcServer implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(IpcServer.class);

	private static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

	private final Duration handshakeTimeout;

	private final Path directory;

	private final Path socketPath;

	private final ServerSocketChannel server;

	private final MessageCodec codec;

	private final Authenticator authenticator;

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "cluster-ipc-timer");
		thread.setDaemon(true);
		return thread;
	});

	private volatile boolean closed;

	/**
	 * Create the directory and socket and start accepting.
	 * @param codec the codec
	 * @param authenticator checks each worker's hello and receives authenticated connections
	 * @throws IOException if the socket cannot be created
	 */
	public IpcServer(MessageCodec codec, Authenticator authenticator) throws IOException {
		this(codec, authenticator, DEFAULT_HANDSHAKE_TIMEOUT);
	}

	IpcServer(MessageCodec codec, Authenticator authenticator, Duration handshakeTimeout) throws IOException {
		this.handshakeTimeout = handshakeTimeout;
		this.codec = codec;
		this.authenticator = authenticator;
		this.directory = createPrivateDirectory();
		this.socketPath = this.directory.resolve("primary.sock");
		this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		this.server.bind(UnixDomainSocketAddress.of(this.socketPath));
		Thread acceptor = new Thread(this::acceptLoop, "cluster-ipc-acceptor");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	private static Path createPrivateDirectory() throws IOException {
		try {
			return Files.createTempDirectory("cluster-",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		}
		catch (UnsupportedOperationException ex) {
			// Not a POSIX file system (Windows): the per-user temp directory is already private
			return Files.createTempDirectory("cluster-");
		}
	}

	/**
	 * Return the private directory that holds the socket.
	 * @return the directory
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * Return the path of the socket workers connect to.
	 * @return the socket path
	 */
	public Path socketPath() {
		return this.socketPath;
	}

	/**
	 * Return the codec used on every connection.
	 * @return the codec
	 */
	public MessageCodec codec() {
		return this.codec;
	}

	private void acceptLoop() {
		while (!this.closed) {
			try {
				SocketChannel channel = this.server.accept();
				Thread reader = new Thread(() -> serve(channel), "cluster-ipc-reader");
				reader.setDaemon(true);
				reader.start();
			}
			catch (IOException ex) {
				if (!this.closed) {
					logger.warn("IPC accept failed: " + ex.getMessage());
				}
			}
		}
	}

	private void serve(SocketChannel channel) {
		ScheduledFuture<?> deadline = this.timer.schedule(() -> {
			logger.warn("Closed an IPC connection that sent no hello within " + this.handshakeTimeout.toMillis() + " ms");
			closeQuietly(channel);
		}, this.handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
		try {
			byte[] first = readFirstLine(channel);
			deadline.cancel(false);
			if (first == null) {
				logger.warn("Closed an IPC connection whose first line was missing or too long");
				closeQuietly(channel);
				return;
			}
			IpcMessage hello;
			try {
				hello = this.codec.decode(first);
			}
			catch (MessageCodec.MalformedMessageException ex) {
				logger.warn("Closed an IPC connection that did not open with a hello: " + ex.getMessage());
				closeQuietly(channel);
				return;
			}
			if (!(hello instanceof IpcMessage.Hello h) || !this.authenticator.accepts(h.id(), h.token())) {
				logger.warn("Closed an unauthenticated IPC connection (" + describe(hello) + ")");
				closeQuietly(channel);
				return;
			}
			if (h.protocolVersion() != IpcProtocol.VERSION) {
				// Its messages may mean something else: it is never let in, and exits as a
				// worker whose primary is gone does
				logger.error("Closed the IPC connection of worker " + h.id() + ": its starter speaks IPC protocol "
						+ h.protocolVersion() + ", this primary speaks " + IpcProtocol.VERSION
						+ "; deploy a release built with the primary's starter version, or restart the primary");
				closeQuietly(channel);
				return;
			}
			IpcConnection connection = new IpcConnection(channel, this.codec, "worker " + h.id());
			this.authenticator.connected(h.id(), connection);
			connection.readLoop((message) -> this.authenticator.received(h.id(), message));
			this.authenticator.closed(h.id());
		}
		catch (RuntimeException ex) {
			logger.error("IPC connection failed", ex);
			closeQuietly(channel);
		}
	}

	private static String describe(IpcMessage message) {
		return (message instanceof IpcMessage.Hello h) ? "worker id " + h.id() + " with a wrong token"
				: message.getClass().getSimpleName() + " before hello";
	}

	/**
	 * Read bytes one at a time up to the first newline, so no byte that belongs to later lines
	 * is consumed before the connection is handed to its read loop.
	 */
	private byte[] readFirstLine(SocketChannel channel) {
		ByteBuffer one = ByteBuffer.allocate(1);
		java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
		try {
			while (line.size() <= this.codec.maxMessageSize()) {
				one.clear();
				if (channel.read(one) < 0) {
					return null;
				}
				byte b = one.get(0);
				if (b == '\n') {
					return line.toByteArray();
				}
				line.write(b);
			}
		}
		catch (IOException ex) {
			return null;
		}
		return null;
	}

	private static void closeQuietly(SocketChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// Nothing left to release
		}
	}

	/**
	 * Compare two tokens in constant time.
	 * @param expected the issued token
	 * @param actual the presented token
	 * @return whether they are equal
	 */
	public static boolean tokensMatch(String expected, String actual) {
		return expected != null && actual != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
				actual.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Stop accepting, close the socket and remove the directory.
	 */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.timer.shutdownNow();
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// Nothing left to release
		}
		try {
			deleteDirectory(this.directory);
		}
		catch (IOException ex) {
			logger.warn("Could not remove IPC directory " + this.directory + ": " + ex.getMessage());
		}
	}

	/**
	 * Delete an IPC directory and the files in it (the socket, argfiles).
	 * @param directory the directory
	 * @throws IOException if it cannot be deleted
	 */
	public static void deleteDirectory(Path directory) throws IOException {
		if (!Files.isDirectory(directory)) {
			return;
		}
		try (var files = Files.list(directory)) {
			for (Path file : (Iterable<Path>) files::iterator) {
				Files.deleteIfExists(file);
			}
		}
		Files.deleteIfExists(directory);
	}

	/**
	 * Decides which connections are workers and receives their traffic. Callbacks arrive on the
	 * connection's reader thread.
	 */
	public interface Authenticator {

		/**
		 * Return whether a hello is from a worker that may connect now.
		 * @param id the claimed worker id
		 * @param token the presented token
		 * @return whether to accept the connection
		 */
		boolean accepts(int id, String token);

		/**
		 * A worker connected and authenticated.
		 * @param id the worker id
		 * @param connection the connection
		 */
		void connected(int id, IpcConnection connection);

		/**
		 * A worker sent a message.
		 * @param id the worker id
		 * @param message the message
		 */
		void received(int id, IpcMessage message);

		/**
		 * A worker's connection closed.
		 * @param id the worker id
		 */
		void closed(int id);

	}

}
