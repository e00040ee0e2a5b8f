package io.clusterstarter.port;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.web.server.PortInUseException;

/**
 * Holds a port for the workers while the cluster runs, in one of two ways. With the shared
 * queue, the primary binds and listens once ({@link #listen}), and the socket becomes every
 * worker's to accept from ({@link #handToWorkers()}): connections wait in its queue while no worker
 * is ready, and no other process can bind the port. With {@code SO_REUSEPORT}, the primary binds
 * a socket with that option and never listens on it ({@link #reserve}): it receives no
 * connections, yet it keeps every process that does not use {@code SO_REUSEPORT} off the port,
 * even while no worker is bound. Either way {@code server.port=0} becomes one concrete port all
 * workers share, and a {@link PortLock} makes the port exclusive among cluster primaries, which
 * {@code SO_REUSEPORT} alone would let share it.
 *
 * @author cluster-spring-boot-starter
 */
public final class PortReservation implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(PortReservation.class);

	/** How often a new primary tries to take the port's lock from the old one. */
	private static final long LOCK_POLL_MILLIS = 1000;

	private final NetworkChannel channel;

	private final int port;

	/** {@code null} while the primary this one took over from still holds it. */
	private volatile PortLock lock;

	private volatile boolean closed;

	/** Whether the socket is this process's standard input, inherited from the old primary. */
	private final boolean inherited;

	private PortReservation(NetworkChannel channel, int port, PortLock lock) {
		this(channel, port, lock, false);
	}

	private PortReservation(NetworkChannel channel, int port, PortLock lock, boolean inherited) {
		this.channel = channel;
		this.port = port;
		this.lock = lock;
		this.inherited = inherited;
	}

	/**
	 * Take over the listening socket of the primary that started this one for an upgrade,
	 * inherited as standard input (where its workers find it too). The port's lock passes once
	 * that primary has exited.
	 * @param port the port the socket listens on
	 * @param predecessor the old primary, or {@code null} when it has exited
	 * @return the reservation, listening, or {@code null} when standard input is not a socket
	 * listening on that port (the old primary's workers listen with {@code SO_REUSEPORT})
	 * @throws IOException if standard input cannot be read as a channel
	 */
	public static PortReservation inherit(int port, ProcessHandle predecessor) throws IOException {
		if (!(System.inheritedChannel() instanceof ServerSocketChannel inherited)
				|| !(inherited.getLocalAddress() instanceof InetSocketAddress local) || local.getPort() != port) {
			return null;
		}
		return lockAfter(new PortReservation(inherited, port, null, true), PortLock.defaultDirectory(), predecessor);
	}

	/**
	 * Join the {@code SO_REUSEPORT} group of the primary that started this one for an upgrade,
	 * which holds the port and its lock until it exits: no check that the port is free, since
	 * that primary's workers listen on it. The port's lock passes once that primary has exited.
	 * @param address the address the servers bind, or {@code null} for every address
	 * @param port the port
	 * @param predecessor the old primary, or {@code null} when it has exited
	 * @return the reservation
	 * @throws IOException if the socket cannot be bound
	 */
	public static PortReservation join(InetAddress address, int port, ProcessHandle predecessor) throws IOException {
		NetworkChannel channel = bind(PortReservation::bindReusable, new InetSocketAddress(address, port));
		return lockAfter(new PortReservation(channel, port, null), PortLock.defaultDirectory(), predecessor);
	}

	/**
	 * Take the port's lock once the old primary lets go of it: when it exits, or earlier when it
	 * stays as a service's main process and has closed its ports. Polled, because a lock file
	 * cannot be waited for without blocking on it.
	 */
	private static PortReservation lockAfter(PortReservation reservation, Path lockDirectory, ProcessHandle predecessor) {
		Thread thread = new Thread(() -> {
			try {
				while (true) {
					synchronized (reservation) {
						if (reservation.closed) {
							return;
						}
						reservation.lock = PortLock.tryAcquire(lockDirectory, reservation.port);
						if (reservation.lock != null) {
							return;
						}
					}
					if (predecessor == null || !predecessor.isAlive()) {
						logger.warn("Could not take the lock of port " + reservation.port + " from the old primary; "
								+ "another primary started on the port now is refused only by its own bind");
						return;
					}
					Thread.sleep(LOCK_POLL_MILLIS);
				}
			}
			catch (IOException ex) {
				logger.warn("Could not take the lock of port " + reservation.port + ": " + ex.getMessage());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "cluster-port-lock-" + reservation.port);
		thread.setDaemon(true);
		thread.start();
		return reservation;
	}

	/**
	 * Reserve a port, with this user's lock files in the default place.
	 * @param address the address the servers bind, or {@code null} for every address
	 * @param port the port, or 0 to choose one
	 * @return the reservation
	 * @throws PortInUseException if another process listens on the port or holds it, or
	 * another cluster primary has reserved it
	 * @throws IOException if the socket or the lock cannot be created
	 */
	public static PortReservation reserve(InetAddress address, int port) throws IOException {
		return reserve(address, port, PortLock.defaultDirectory(), PortReservation::bindReusable);
	}

	/**
	 * Bind and listen on a port, the cluster's one accept queue, with this user's lock files in
	 * the default place.
	 * @param address the address to listen on, or {@code null} for every address
	 * @param port the port, or 0 to choose one
	 * @param backlog the length of the queue of connections not yet accepted
	 * @return the reservation, listening
	 * @throws PortInUseException if another process listens on the port or holds it, or
	 * another cluster primary has reserved it
	 * @throws IOException if the socket or the lock cannot be created
	 */
	public static PortReservation listen(InetAddress address, int port, int backlog) throws IOException {
		return reserve(address, port, PortLock.defaultDirectory(), (bindAddress) -> bindListening(bindAddress, backlog));
	}

	/**
	 * Reserve a port. The port's lock is taken first, so that of two primaries started at once
	 * only one gets as far as the check and the bind.
	 * @param address the address the servers bind, or {@code null} for every address
	 * @param port the port, or 0 to choose one
	 * @param lockDirectory where this user's primaries keep their port locks
	 * @param binder how the socket is bound
	 * @return the reservation
	 * @throws PortInUseException if another process listens on the port or holds it, or
	 * another cluster primary has reserved it
	 * @throws IOException if the socket or the lock cannot be created
	 */
	static PortReservation reserve(InetAddress address, int port, Path lockDirectory, Binder binder)
			throws IOException {
		PortLock lock = null;
		if (port > 0) {
			lock = lockOrRefuse(lockDirectory, port);
		}
		try {
			if (port > 0 && isListening(address, port)) {
				throw new PortInUseException(port);
			}
			NetworkChannel channel = bind(binder, new InetSocketAddress(address, port));
			int bound = ((InetSocketAddress) channel.getLocalAddress()).getPort();
			if (lock == null) {
				// A port the kernel chose: nobody else can have it yet, but a later primary asking
				// for it by number must find it locked
				try {
					lock = lockOrRefuse(lockDirectory, bound);
				}
				catch (IOException | RuntimeException ex) {
					channel.close();
					throw ex;
				}
			}
			return new PortReservation(channel, bound, lock);
		}
		catch (IOException | RuntimeException ex) {
			if (lock != null) {
				lock.close();
			}
			throw ex;
		}
	}

	private static PortLock lockOrRefuse(Path lockDirectory, int port) throws IOException {
		PortLock lock = PortLock.tryAcquire(lockDirectory, port);
		if (lock == null) {
			String holder = PortLock.isHeldHere(lockDirectory, port) ? String.valueOf(ProcessHandle.current().pid())
					: PortLock.holder(lockDirectory, port);
			logger.error("Another cluster primary" + ((holder != null) ? " (pid " + holder + ")" : "")
					+ " already runs on port " + port);
			throw new PortInUseException(port);
		}
		return lock;
	}

	private static NetworkChannel bind(Binder binder, InetSocketAddress address) throws IOException {
		try {
			return binder.bind(address);
		}
		catch (IOException ex) {
			if (address.getPort() > 0) {
				throw new PortInUseException(address.getPort(), ex);
			}
			throw ex;
		}
	}

	static NetworkChannel bindReusable(InetSocketAddress address) throws IOException {
		SocketChannel channel = SocketChannel.open();
		try {
			channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
			channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
			channel.bind(address);
			return channel;
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	/**
	 * The shared queue's socket: {@code SO_REUSEADDR}, for a primary restarted while
	 * connections of the last one linger, but not {@code SO_REUSEPORT}, so that no other process
	 * can join the port.
	 */
	static NetworkChannel bindListening(InetSocketAddress address, int backlog) throws IOException {
		ServerSocketChannel channel = ServerSocketChannel.open();
		try {
			channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
			channel.bind(address, backlog);
			return channel;
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	/**
	 * Make the listening socket the primary's standard input, which every worker inherits
	 * ({@link InheritedListener}). Only for a reservation made with {@link #listen}.
	 * @throws IOException if the socket cannot be moved
	 */
	public void handToWorkers() throws IOException {
		if (!(this.channel instanceof ServerSocketChannel listening)) {
			throw new IllegalStateException("Port " + this.port + " is reserved, not listened on");
		}
		StandardInput.replaceWith(listening);
	}

	/**
	 * How a reservation's socket is bound.
	 */
	@FunctionalInterface
	interface Binder {

		/**
		 * Open and bind a socket.
		 * @param address the address and port
		 * @return the socket
		 * @throws IOException if it cannot be bound
		 */
		NetworkChannel bind(InetSocketAddress address) throws IOException;

	}

	/**
	 * A listener with {@code SO_REUSEPORT} owned by the same user would let the bind succeed and
	 * silently share the port with another application; a connection attempt finds it.
	 */
	private static boolean isListening(InetAddress address, int port) {
		InetAddress target = (address == null || address.isAnyLocalAddress()) ? InetAddress.getLoopbackAddress()
				: address;
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(target, port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Return the reserved port.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	@Override
	public synchronized void close() {
		this.closed = true;
		try {
			// Not an inherited socket: the JDK answers its close by pointing standard input, output
			// and error at /dev/null, which would silence an old primary that waits for the new one.
			// The process's exit closes it.
			if (!this.inherited) {
				this.channel.close();
			}
		}
		catch (IOException ex) {
			// Nothing left to release
		}
		if (this.lock != null) {
			this.lock.close();
		}
	}

}
