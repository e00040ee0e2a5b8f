package io.clusterstarter.primary;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

import org.springframework.boot.web.server.PortInUseException;

/**
 * Holds a port for the workers while the cluster runs. The primary binds a socket with
 * {@code SO_REUSEPORT} and never listens on it: it receives no connections, yet it keeps every
 * process that does not use {@code SO_REUSEPORT} off the port, even while no worker is bound, and
 * it turns {@code server.port=0} into one concrete port all workers share.
 *
 * @author cluster-spring-boot-starter
 */
public final class PortReservation implements AutoCloseable {

	private final SocketChannel channel;

	private final int port;

	private PortReservation(SocketChannel channel, int port) {
		this.channel = channel;
		this.port = port;
	}

	/**
	 * Reserve a port.
	 * @param address the address the servers bind, or {@code null} for every address
	 * @param port the port, or 0 to choose one
	 * @return the reservation
	 * @throws PortInUseException if another process listens on the port or holds it
	 * @throws IOException if the socket cannot be created
	 */
	public static PortReservation reserve(InetAddress address, int port) throws IOException {
		if (port > 0 && isListening(address, port)) {
			throw new PortInUseException(port);
		}
		SocketChannel channel = SocketChannel.open();
		try {
			channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
			channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
			channel.bind(new InetSocketAddress(address, port));
		}
		catch (IOException ex) {
			channel.close();
			if (port > 0) {
				throw new PortInUseException(port, ex);
			}
			throw ex;
		}
		return new PortReservation(channel, ((InetSocketAddress) channel.getLocalAddress()).getPort());
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
	}

}
