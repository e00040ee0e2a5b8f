package io.clusterstarter.port;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;

import org.apache.tomcat.util.net.Acceptor.AcceptorState;
import org.apache.tomcat.util.net.NioEndpoint;

/**
 * A Tomcat NIO endpoint that leaves the port without losing a request: when a worker stops, it
 * stops accepting at once, instead of pausing, and then serves every connection it already
 * took. How it accepts (its own {@code SO_REUSEPORT} listener, or the primary's shared one) is
 * each subclass's.
 *
 * @author cluster-spring-boot-starter
 */
public abstract class LeavingNioEndpoint extends NioEndpoint {

	private static final long DRAIN_TIMEOUT_NANOS = 1_000_000_000L;

	private static final long UNLOCK_TIMEOUT_NANOS = 2_000_000_000L;

	/**
	 * Return whether this endpoint manages the listening socket itself; when not, Tomcat's own
	 * behaviour applies throughout.
	 * @return whether the socket is this endpoint's
	 */
	protected abstract boolean ownsSocket();

	/**
	 * Stop taking connections at once, instead of pausing. Spring Boot's graceful shutdown
	 * pauses the connector first, and a paused Tomcat answers a connection it has already
	 * accepted, but not yet read, by closing it (or with a 503): a client that connected a
	 * moment earlier loses its request. Closing this endpoint's side of the listener instead
	 * stops new connections, which go to the other workers, while every connection already
	 * accepted is served, with keep-alive off, until graceful shutdown ends.
	 */
	@Override
	public void pause() {
		if (!ownsSocket()) {
			super.pause();
			return;
		}
		closeServerSocketGraceful();
		drain();
	}

	/**
	 * Wait, for a bounded time, until every open connection has closed. Graceful shutdown
	 * waits only for requests a servlet is handling, and then closes the rest: a connection
	 * accepted a moment ago whose request has not reached a servlet yet, or a keep-alive
	 * connection whose client is sending its next request. Each of them is answered here (with
	 * {@code Connection: close}) and closes on its own; only a client that stays idle longer
	 * than the bound is closed under it. An idle worker returns at once.
	 */
	private void drain() {
		long deadline = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
		// Not getConnectionCount(): closing the server socket released the connection latch
		while (!getConnections().isEmpty() && System.nanoTime() < deadline) {
			try {
				Thread.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * Tomcat drops a connection its acceptor took just as it was told to stop accepting. While
	 * the endpoint still runs (a graceful shutdown), serve it instead: the client did nothing
	 * wrong.
	 */
	@Override
	protected void destroySocket(SocketChannel socket) {
		if (socket == null) {
			return; // the acceptor woken without a connection
		}
		if (ownsSocket() && isRunning()) {
			if (!setSocketOptions(socket)) {
				closeSocket(socket);
			}
			return;
		}
		super.destroySocket(socket);
	}

	/**
	 * Wake this endpoint's acceptor from a blocking {@code accept()} by connecting to the port,
	 * again and again, until it has stopped, for at most two seconds. Tomcat connects once and
	 * waits up to a second, but the connection may go to another worker: the kernel's hash of a
	 * {@code SO_REUSEPORT} group, or the shared queue's first waiting acceptor. Each attempt
	 * comes from a new local port and goes to the next acceptor in line, until this one wakes;
	 * an attempt that reaches another worker is a connection that closes at once. The connections
	 * close with a reset, so no closed connection lingers on this host.
	 */
	protected final void connectUntilAcceptorStops() {
		InetSocketAddress target = unlockTarget();
		if (target == null || this.acceptor == null) {
			return;
		}
		long deadline = System.nanoTime() + UNLOCK_TIMEOUT_NANOS;
		while (this.acceptor.getState() == AcceptorState.RUNNING && System.nanoTime() < deadline) {
			try (Socket socket = new Socket()) {
				socket.setSoLinger(true, 0);
				socket.connect(target, 200);
			}
			catch (IOException ex) {
				// The listener may already be closed; the state check decides
			}
			for (int i = 0; i < 20 && this.acceptor.getState() == AcceptorState.RUNNING; i++) {
				try {
					Thread.sleep(1);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	private InetSocketAddress unlockTarget() {
		int port = getLocalPort();
		if (port <= 0) {
			return null;
		}
		InetAddress address = getAddress();
		if (address == null || address.isAnyLocalAddress()) {
			address = InetAddress.getLoopbackAddress();
		}
		return new InetSocketAddress(address, port);
	}

}
