package io.clusterstarter.port;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;

import org.apache.tomcat.util.net.Acceptor.AcceptorState;

/**
 * A Tomcat NIO endpoint whose listening socket has {@code SO_REUSEPORT}, so that every worker can
 * bind the same port and the kernel spreads connections between them. Tomcat has no option for
 * this and keeps its own socket in a private field, so this endpoint owns the socket through the
 * four protected methods Tomcat provides for that purpose. In a worker the socket listens only
 * once the worker is ready ({@link ListenGate}). Inherited channels and Unix-domain sockets are left
 * to Tomcat.
 *
 * @author cluster-spring-boot-starter
 */
public class ReusePortNioEndpoint extends LeavingNioEndpoint {

	private volatile ServerSocketChannel channel;

	/** Whether the socket is bound, and so in the port's group; guarded by {@code this}. */
	private boolean listening;

	/** Whether the socket was closed before it ever listened; guarded by {@code this}. */
	private boolean closedUnbound;

	@Override
	protected void initServerSocket() throws Exception {
		if (!ownsSocket()) {
			super.initServerSocket();
			return;
		}
		ServerSocketChannel serverChannel = ServerSocketChannel.open();
		try {
			// Must precede bind(), on every worker's socket
			serverChannel.setOption(StandardSocketOptions.SO_REUSEPORT, Boolean.TRUE);
			getSocketProperties().setProperties(serverChannel.socket());
			serverChannel.configureBlocking(true);
		}
		catch (IOException | RuntimeException ex) {
			serverChannel.close();
			throw ex;
		}
		synchronized (this) {
			this.channel = serverChannel;
			this.listening = false;
			this.closedUnbound = false;
		}
		// In a worker, the socket joins the port's group only once the worker is ready
		ListenGate.whenOpen(() -> listen(serverChannel));
	}

	private void listen(ServerSocketChannel serverChannel) throws IOException {
		synchronized (this) {
			if (this.channel != serverChannel || this.closedUnbound) {
				return; // closed before the gate opened
			}
			serverChannel.bind(new InetSocketAddress(getAddress(), getPortWithOffset()), getAcceptCount());
			this.listening = true;
			notifyAll();
		}
	}

	@Override
	protected NetworkChannel getServerSocket() {
		if (!ownsSocket()) {
			return super.getServerSocket();
		}
		synchronized (this) {
			// While it waits to listen, Tomcat, Spring Boot (local.server.port) and the worker's
			// report read the port it is about to serve
			return (this.channel != null && !this.listening)
					? new Unbound(this.channel, new InetSocketAddress(getAddress(), getPortWithOffset())) : this.channel;
		}
	}

	@Override
	protected SocketChannel serverSocketAccept() throws Exception {
		if (!ownsSocket()) {
			return super.serverSocketAccept();
		}
		ServerSocketChannel serverChannel = this.channel;
		if (serverChannel == null) {
			throw new IOException("Server socket is closed");
		}
		synchronized (this) {
			while (!this.listening && !this.closedUnbound && this.channel == serverChannel) {
				this.wait();
			}
			if (!this.listening) {
				// Stopped before it ever listened: no connection, and nothing went wrong
				return null;
			}
		}
		return serverChannel.accept();
	}

	@Override
	protected void doCloseServerSocket() throws IOException {
		if (!ownsSocket()) {
			super.doCloseServerSocket();
			return;
		}
		ServerSocketChannel serverChannel;
		synchronized (this) {
			serverChannel = this.channel;
			this.channel = null;
			if (!this.listening) {
				this.closedUnbound = true;
			}
			notifyAll();
		}
		if (serverChannel != null) {
			serverChannel.close();
		}
	}

	/**
	 * Return whether this endpoint binds its own socket: not for an inherited channel or a
	 * Unix-domain socket, which Tomcat handles. Closing the socket leaves the port's
	 * {@code SO_REUSEPORT} group: the kernel sends new connections to the other workers; those
	 * still queued here are reset, or moved with {@code net.ipv4.tcp_migrate_req=1}.
	 */
	@Override
	protected boolean ownsSocket() {
		return !getUseInheritedChannel() && getUnixDomainSocketPath() == null;
	}

	/**
	 * Wake the acceptor blocked in {@code accept()}. Tomcat connects once to its own port and
	 * waits up to a second; with {@code SO_REUSEPORT} the kernel may hand that connection to a
	 * sibling worker, which stalls graceful shutdown by a second or two. Each attempt here comes
	 * from a new local port, so it hashes afresh, until this acceptor wakes.
	 */
	@Override
	protected void unlockAccept() {
		if (!ownsSocket()) {
			super.unlockAccept();
			return;
		}
		if (this.acceptor == null || this.acceptor.getState() != AcceptorState.RUNNING) {
			return;
		}
		synchronized (this) {
			if (!this.listening) {
				// Waiting for the gate, not in accept(): wake it without a connection, which
				// would only reach a sibling worker
				this.closedUnbound = true;
				notifyAll();
				return;
			}
		}
		connectUntilAcceptorStops();
	}

	/**
	 * The socket as seen while it waits to listen: its address is the one it will bind.
	 */
	private record Unbound(ServerSocketChannel channel, InetSocketAddress address) implements NetworkChannel {

		@Override
		public NetworkChannel bind(SocketAddress local) throws IOException {
			return this.channel.bind(local);
		}

		@Override
		public SocketAddress getLocalAddress() {
			return this.address;
		}

		@Override
		public <T> NetworkChannel setOption(SocketOption<T> name, T value) throws IOException {
			return this.channel.setOption(name, value);
		}

		@Override
		public <T> T getOption(SocketOption<T> name) throws IOException {
			return this.channel.getOption(name);
		}

		@Override
		public Set<SocketOption<?>> supportedOptions() {
			return this.channel.supportedOptions();
		}

		@Override
		public boolean isOpen() {
			return this.channel.isOpen();
		}

		@Override
		public void close() throws IOException {
			this.channel.close();
		}

	}

}
