package io.clusterstarter.control;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.clusterstarter.image.PrivateDirectory;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The primary's control socket: a Unix-domain socket ({@code 0600}) in a {@code 0700}
 * directory, that takes one command per connection and hands it to a {@link Handler}. Only the
 * primary's own user gets in: the file modes keep others out, and the peer's credentials
 * ({@code SO_PEERCRED}) are checked as well, so a socket whose modes were loosened still refuses
 * them. Bad input (not JSON, a line longer than {@link ControlProtocol#MAX_REQUEST} bytes, no
 * request within {@link #REQUEST_TIMEOUT}) gets an error frame and the connection closed; it
 * never reaches the cluster.
 *
 * @author cluster-spring-boot-starter
 */
public final class ControlServer implements Closeable {

	private static final Log logger = LogFactory.getLog(ControlServer.class);

	/** Connections served at once; more are told the primary is busy. */
	static final int MAX_SESSIONS = 16;

	/** How long a client may take to send its request. */
	static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * How long a primary that let go of its name for a new one waits, as it exits, for the
	 * commands still answering.
	 */
	static final Duration RELEASED_GRACE = Duration.ofSeconds(10);

	/** How long a write to a client may block before the client is cut off. */
	static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);

	/** The longest socket path the kernel takes (sun_path, less its terminating zero). */
	static final int MAX_SOCKET_PATH = 107;

	private final ControlDirectory directory;

	private final String name;

	/** Replaced when its file is removed from under it. */
	private volatile ServerSocketChannel server;

	private final Properties description;

	private final Handler handler;

	private final UserPrincipal owner;

	private final List<Path> pidFiles;

	private final String jar;

	private final JsonMapper json = JsonMapper.builder().build();

	private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

	private final ScheduledExecutorService timer;

	private final AtomicInteger sessionIds = new AtomicInteger();

	private volatile boolean closed;

	/** Whether the name was let go of for a new primary that takes it over. */
	private volatile boolean released;

	private ControlServer(ControlDirectory directory, String name, Properties description, Handler handler,
			UserPrincipal owner, List<Path> pidFiles, String jar) {
		this.directory = directory;
		this.jar = jar;
		this.name = name;
		this.description = description;
		this.handler = handler;
		this.owner = owner;
		this.pidFiles = pidFiles;
		this.timer = Executors.newSingleThreadScheduledExecutor((task) -> daemon(task, "cluster-control-timer"));
	}

	/**
	 * Open the socket, describe the cluster next to it, write the pid files, and start
	 * accepting commands.
	 * @param directory the control directory, created {@code 0700} if missing
	 * @param name the cluster's name in it
	 * @param description what the command line needs to pick this cluster ({@code start-class},
	 * {@code jar}, {@code port}); the pid is added
	 * @param extraPidFile another file to write the primary's pid to ({@code spring.pid.file}),
	 * or {@code null}
	 * @param handler what runs the commands
	 * @return the server
	 * @throws IOException if the socket cannot be made
	 * @throws InUseException if another running primary uses it
	 */
	public static ControlServer open(ControlDirectory directory, String name, Map<String, String> description,
			Path extraPidFile, Handler handler) throws IOException {
		Path path = PrivateDirectory.ensure(directory.path());
		Path socket = directory.socket(name);
		if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
			throw new IOException("the control socket's path " + socket + " is longer than the " + MAX_SOCKET_PATH
					+ " bytes a Unix-domain socket may have");
		}
		directory.removeLeftovers();
		removeStale(socket);
		long pid = ProcessHandle.current().pid();
		Properties properties = new Properties();
		properties.put("pid", String.valueOf(pid));
		description.forEach((key, value) -> {
			if (value != null) {
				properties.put(key, value);
			}
		});
		List<Path> pidFiles = new ArrayList<>(List.of(directory.pidFile(name)));
		if (extraPidFile != null) {
			pidFiles.add(extraPidFile.toAbsolutePath());
		}
		ControlServer control = new ControlServer(directory, name, properties, handler, Files.getOwner(path), pidFiles,
				description.get("jar"));
		control.server = control.bind();
		try {
			control.writeFiles(control.pidFiles);
		}
		catch (IOException | RuntimeException ex) {
			control.server.close();
			Files.deleteIfExists(socket);
			throw ex;
		}
		control.start();
		return control;
	}

	/** Bind a new socket at the socket's path, readable and writable by the owner only. */
	private ServerSocketChannel bind() throws IOException {
		Path socket = socket();
		ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		try {
			server.bind(UnixDomainSocketAddress.of(socket));
			Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
			return server;
		}
		catch (IOException | RuntimeException ex) {
			server.close();
			Files.deleteIfExists(socket);
			throw ex;
		}
	}

	/** Write the description and the pid files. */
	private void writeFiles(List<Path> pidFiles) throws IOException {
		String pid = this.description.getProperty("pid");
		writeAtomically(this.directory.description(this.name),
				(out) -> this.description.store(out, "cluster primary " + pid));
		for (Path pidFile : pidFiles) {
			// As Spring Boot's own pid file writer does, a missing directory is made
			Files.createDirectories(pidFile.getParent());
			writeAtomically(pidFile, (out) -> out.write((pid + "\n").getBytes(StandardCharsets.US_ASCII)));
		}
	}

	/**
	 * Make the socket and its files again when something removed them from under the running
	 * primary (a cleaner of the temporary directory, a careless {@code rm}): without them the
	 * command line would say that no cluster runs.
	 */
	private synchronized void keepFiles() {
		if (this.closed || this.released) {
			return;
		}
		Path socket = socket();
		boolean socketGone = !Files.exists(socket);
		boolean descriptionGone = !Files.exists(this.directory.description(this.name));
		if (!socketGone && !descriptionGone) {
			return;
		}
		try {
			PrivateDirectory.ensure(this.directory.path());
			if (socketGone) {
				ServerSocketChannel replaced = this.server;
				this.server = bind();
				close(replaced);
			}
			writeFiles(List.of(this.directory.pidFile(this.name)));
			logger.warn("The control socket " + (socketGone ? "" : "'s description ") + "in " + this.directory.path()
					+ " was removed while the cluster runs (by a cleaner of the temporary directory?); it is made again. "
					+ "Keep the control directory where nothing cleans up: cluster.control.directory, or systemd's "
					+ "RuntimeDirectory.");
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not make the control socket in " + this.directory.path() + " again: " + ex.getMessage());
		}
	}

	/**
	 * A socket file left by a primary that was killed is removed; one that answers belongs to
	 * a primary that runs, and is left alone.
	 */
	private static void removeStale(Path socket) throws IOException {
		if (!Files.exists(socket)) {
			return;
		}
		boolean answers;
		try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			probe.connect(UnixDomainSocketAddress.of(socket));
			answers = true;
		}
		catch (IOException ex) {
			answers = false;
		}
		if (answers) {
			throw new InUseException(socket);
		}
		Files.deleteIfExists(socket);
	}

	private static void writeAtomically(Path file, Writer writer) throws IOException {
		Path temporary = file.resolveSibling("." + file.getFileName() + ".tmp");
		try (var out = Files.newOutputStream(temporary)) {
			writer.write(out);
		}
		Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	private void start() {
		daemon(this::acceptLoop, "cluster-control").start();
		this.timer.scheduleWithFixedDelay(this::cutOffStuckClients, 1, 1, TimeUnit.SECONDS);
		this.timer.scheduleWithFixedDelay(this::keepFiles, 1, 1, TimeUnit.SECONDS);
		logger.info("Control socket " + this.directory.socket(this.name) + ": operate the cluster with 'java "
				+ "-Djarmode=cluster -jar " + ((this.jar != null) ? this.jar : "<app.jar>") + " status'");
	}

	/**
	 * Return the cluster's name on the socket.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return the socket's path.
	 * @return the socket
	 */
	public Path socket() {
		return this.directory.socket(this.name);
	}

	private void acceptLoop() {
		while (!this.closed) {
			ServerSocketChannel current = this.server;
			SocketChannel channel;
			try {
				channel = current.accept();
			}
			catch (ClosedChannelException ex) {
				if (this.closed || current == this.server) {
					return;
				}
				continue; // made again: accept on the new socket
			}
			catch (IOException ex) {
				if (!this.closed) {
					logger.warn("Control socket: accept failed: " + ex.getMessage());
				}
				continue;
			}
			accepted(channel);
		}
	}

	private void accepted(SocketChannel channel) {
		Connection connection = new Connection(channel);
		if (this.connections.size() >= MAX_SESSIONS) {
			try {
				// Two short frames into an empty socket buffer: this write does not block the accept loop
				reject(connection, "the primary serves " + MAX_SESSIONS + " commands already; try again",
						ControlProtocol.FAILED, false);
			}
			catch (IOException ex) {
				close(channel);
			}
			return;
		}
		this.connections.add(connection);
		daemon(() -> serve(connection), "cluster-control-" + this.sessionIds.incrementAndGet()).start();
	}

	/**
	 * Return why the peer may not use the socket, or {@code null} if it is the primary's user.
	 */
	private String refusal(SocketChannel channel) throws IOException {
		UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
		String refusal = refusal(peer, this.owner.getName());
		if (refusal != null) {
			logger.warn("Control socket: refused a connection from user '" + peer.user().getName() + "'; only '"
					+ this.owner.getName() + "', the primary's user, may operate the cluster");
		}
		return refusal;
	}

	/**
	 * Return why a peer may not use the socket of a primary run by the owner, or {@code null}
	 * if it may: only the owner may, root included.
	 * @param peer the peer's credentials, from {@code SO_PEERCRED}
	 * @param owner the primary's user name
	 * @return the reason, or {@code null}
	 */
	static String refusal(UnixDomainPrincipal peer, String owner) {
		String user = peer.user().getName();
		if (user.equals(owner)) {
			return null;
		}
		return "permission denied: this cluster runs as '" + owner + "', and only that user may operate it; you are '"
				+ user + "'";
	}

	private void reject(Connection connection, String message, int status, boolean drain) throws IOException {
		ControlSession session = new ControlSession(connection.channel, List.of(), null);
		connection.session = session;
		try {
			session.err("cluster: " + message);
			session.exit(status);
			if (drain) {
				connection.channel.shutdownOutput();
				drain(connection.channel);
			}
		}
		finally {
			close(connection.channel);
		}
	}

	/**
	 * Read what the client still sends, up to a limit: closing a socket with unread input
	 * resets it, and the client would lose the answer. A client that sends on and on is cut
	 * off by the timer.
	 */
	private static void drain(SocketChannel channel) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(8192);
		long left = 16L * ControlProtocol.MAX_REQUEST;
		while (left > 0 && channel.read(buffer) >= 0) {
			left -= buffer.position();
			buffer.clear();
		}
	}

	private void serve(Connection connection) {
		try {
			String refusal = refusal(connection.channel);
			if (refusal != null) {
				reject(connection, refusal, ControlProtocol.DENIED, true);
				return;
			}
			ControlSession session;
			try {
				session = readRequest(connection);
			}
			catch (BadRequest ex) {
				logger.warn("Control socket: dropped a bad request: " + ex.getMessage());
				reject(connection, "bad request: " + ex.getMessage(), ControlProtocol.USAGE, true);
				return;
			}
			if (session == null) {
				return; // the client closed before it finished its request
			}
			connection.session = session;
			int status;
			try {
				status = this.handler.handle(session);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (RuntimeException ex) {
				logger.error("Control socket: '" + String.join(" ", session.args()) + "' failed", ex);
				session.err("cluster: the primary failed: " + ex);
				status = ControlProtocol.FAILED;
			}
			session.exit(status);
		}
		catch (IOException ex) {
			// The client went away, or was cut off: nothing to tell it
		}
		finally {
			this.connections.remove(connection);
			close(connection.channel);
		}
	}

	/**
	 * Read the request line: a JSON object with {@code args}, an array of strings (the command
	 * first), and {@code cwd}, the client's working directory.
	 */
	private ControlSession readRequest(Connection connection) throws IOException, BadRequest {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		ByteBuffer buffer = ByteBuffer.allocate(8192);
		while (true) {
			buffer.clear();
			int read = connection.channel.read(buffer);
			if (read < 0) {
				return null;
			}
			for (int i = 0; i < read; i++) {
				byte b = buffer.get(i);
				if (b == '\n') {
					connection.requestRead = true;
					return parse(connection.channel, line.toString(StandardCharsets.UTF_8));
				}
				line.write(b);
				if (line.size() > ControlProtocol.MAX_REQUEST) {
					throw new BadRequest("longer than " + ControlProtocol.MAX_REQUEST + " bytes");
				}
			}
		}
	}

	private ControlSession parse(SocketChannel channel, String line) throws BadRequest {
		JsonNode request;
		try {
			request = this.json.readTree(line);
		}
		catch (JacksonException ex) {
			throw new BadRequest("not JSON");
		}
		JsonNode args = (request != null) ? request.get("args") : null;
		if (args == null || !args.isArray() || args.isEmpty()) {
			throw new BadRequest("no 'args' array");
		}
		List<String> list = new ArrayList<>();
		for (JsonNode arg : args) {
			if (!arg.isString()) {
				throw new BadRequest("'args' holds something that is not a string");
			}
			list.add(arg.asString());
		}
		JsonNode cwd = request.get("cwd");
		Path workingDirectory = (cwd != null && cwd.isString() && Path.of(cwd.asString()).isAbsolute())
				? Path.of(cwd.asString()) : Path.of("").toAbsolutePath();
		return new ControlSession(channel, List.copyOf(list), workingDirectory);
	}

	/**
	 * Close the connections of clients that never sent their request, or stopped reading.
	 */
	private void cutOffStuckClients() {
		long now = System.nanoTime();
		for (Connection connection : this.connections) {
			ControlSession session = connection.session;
			boolean requestLate = !connection.requestRead
					&& now - connection.accepted > REQUEST_TIMEOUT.toNanos();
			boolean writeStuck = session != null && session.blockedNanos() > WRITE_TIMEOUT.toNanos();
			if (requestLate || writeStuck) {
				logger.warn("Control socket: cut off a client that " + (requestLate
						? "sent no request within " + REQUEST_TIMEOUT.toSeconds() + " s"
						: "read nothing for " + WRITE_TIMEOUT.toSeconds() + " s"));
				close(connection.channel);
			}
		}
	}

	/**
	 * Let go of the name for the new primary of an upgrade, which opens its own socket under it
	 * and writes the description and pid files over these: stop accepting and remove the socket.
	 * The sessions under way go on, so the client of the {@code upgrade} command hears how it
	 * ended.
	 * @throws IOException if the socket cannot be removed
	 */
	public synchronized void releaseName() throws IOException {
		if (this.closed || this.released) {
			return;
		}
		this.released = true;
		close(this.server);
		Files.deleteIfExists(socket());
	}

	/**
	 * Return whether the name was let go of and not taken back.
	 * @return whether it was released
	 */
	public boolean isReleased() {
		return this.released;
	}

	/**
	 * Take the name back after an upgrade that failed once it was let go of: bind the socket
	 * and write the files again, and accept commands.
	 * @throws IOException if the socket cannot be made
	 */
	public synchronized void reclaimName() throws IOException {
		if (this.closed || !this.released) {
			return;
		}
		Files.deleteIfExists(socket());
		this.server = bind();
		writeFiles(this.pidFiles);
		this.released = false;
		daemon(this::acceptLoop, "cluster-control").start();
	}

	/**
	 * Stop accepting, end every session (a {@code stop} command's client sees its socket close
	 * once the cluster has stopped), and remove the socket, the description and the pid files.
	 */
	@Override
	public void close() {
		if (this.released) {
			// The name belongs to a new primary: the commands still answering here (the client
			// of 'upgrade' waits for its last lines) get a moment to end before they are cut off
			awaitSessions(RELEASED_GRACE);
		}
		closeNow();
	}

	private void awaitSessions(Duration grace) {
		long deadline = System.nanoTime() + grace.toNanos();
		try {
			while (!this.connections.isEmpty() && System.nanoTime() - deadline < 0) {
				Thread.sleep(50);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private synchronized void closeNow() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		close(this.server);
		this.connections.forEach((connection) -> close(connection.channel));
		this.timer.shutdownNow();
		String pid = String.valueOf(ProcessHandle.current().pid());
		try {
			// A name let go of belongs to the new primary now, with its socket and description
			if (!this.released) {
				Files.deleteIfExists(this.directory.socket(this.name));
				Files.deleteIfExists(this.directory.description(this.name));
			}
			for (Path pidFile : this.pidFiles) {
				// Another primary may have taken the name since: its file is left alone
				if (Files.exists(pidFile) && Files.readString(pidFile).trim().equals(pid)) {
					Files.delete(pidFile);
				}
			}
		}
		catch (IOException ex) {
			logger.warn("Could not remove the control socket's files in " + this.directory.path() + ": " + ex.getMessage());
		}
	}

	private static void close(Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// Closing anyway
		}
	}

	private static Thread daemon(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

	/**
	 * Runs one command.
	 */
	@FunctionalInterface
	public interface Handler {

		/**
		 * Run the session's command, writing its output to the session.
		 * @param session the session
		 * @return the exit status for the client
		 * @throws IOException if the client went away
		 * @throws InterruptedException if the primary is stopping
		 */
		int handle(ControlSession session) throws IOException, InterruptedException;

	}

	@FunctionalInterface
	private interface Writer {

		void write(java.io.OutputStream out) throws IOException;

	}

	/** A connection, from its accept until it closes. */
	private static final class Connection {

		private final SocketChannel channel;

		private final long accepted = System.nanoTime();

		private volatile boolean requestRead;

		private volatile ControlSession session;

		Connection(SocketChannel channel) {
			this.channel = channel;
		}

	}

	/**
	 * The socket belongs to another primary that runs.
	 */
	public static final class InUseException extends IOException {

		InUseException(Path socket) {
			super("another cluster primary listens on its control socket " + socket);
		}

	}

	/** A request that is not one. */
	private static final class BadRequest extends Exception {

		BadRequest(String message) {
			super(message, null, false, false);
		}

	}

}
