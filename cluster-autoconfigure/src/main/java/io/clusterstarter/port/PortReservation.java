package io.clusterstarter.port;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.web.server.PortInUseException;

/**
 * Holds a port for the workers while the cluster runs. The primary binds a socket with
 * {@code SO_REUSEPORT} and never listens on it: it receives no connections, yet it keeps every
 * process that does not use {@code SO_REUSEPORT} off the port, even while no worker is bound, and
 * it turns {@code server.port=0} into one concrete port all workers share. A {@link PortLock}
 * makes the reservation exclusive among cluster primaries, which {@code SO_REUSEPORT} alone
 * would let share the port.
 *
 * @author cluster-spring-boot-starter
 */
public final class PortReservation implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(PortReservation.class);

	private final SocketChannel channel;

	private final int port;

	private final PortLock lock;

	private PortReservation(SocketChannel channel, int port, PortLock lock) {
		this.channel = channel;
		this.port = port;
		this.lock = lock;
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
		return reserve(address, port, PortLock.defaultDirectory());
	}

	/**
	 * Reserve a port. The port's lock is taken first, so that of two primaries started at once
	 * only one gets as far as the check and the bind.
	 * @param address the address the servers bind, or {@code null} for every address
	 * @param port the port, or 0 to choose one
	 * @param lockDirectory where this user's primaries keep their port locks
	 * @return the reservation
	 * @throws PortInUseException if another process listens on the port or holds it, or
	 * another cluster primary has reserved it
	 * @throws IOException if the socket or the lock cannot be created
	 */
	static PortReservation reserve(InetAddress address, int port, Path lockDirectory) throws IOException {
		PortLock lock = null;
		if (port > 0) {
			lock = lockOrRefuse(lockDirectory, port);
		}
		try {
			if (port > 0 && isListening(address, port)) {
				throw new PortInUseException(port);
			}
			SocketChannel channel = bind(address, port);
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

	private static SocketChannel bind(InetAddress address, int port) throws IOException {
		SocketChannel channel = SocketChannel.open();
		try {
			channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
			channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
			channel.bind(new InetSocketAddress(address, port));
			return channel;
		}
		catch (IOException ex) {
			channel.close();
			if (port > 0) {
				throw new PortInUseException(port, ex);
			}
			throw ex;
		}
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
	public void close() {
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// Nothing left to release
		}
		this.lock.close();
	}

}
