package io.clusterstarter.port;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;

/**
 * A worker's view of the shared listening socket, for a server whose acceptor threads call
 * {@code accept()} and are stopped by closing the channel or interrupting them (Jetty). Closing
 * this view stops this worker's accepting and leaves the socket open: it is the cluster's, and the
 * JDK answers the close of an inherited channel by detaching the worker's standard streams.
 * {@code accept()} waits until the worker is ready ({@link ListenGate}), then in a selector of its
 * own, so that a close or an interrupt ends it at once; it returns a connection, or throws
 * {@link ClosedChannelException} once closed.
 *
 * @author cluster-spring-boot-starter
 */
final class SharedQueueChannel extends ServerSocketChannel {

	private final ServerSocketChannel shared;

	private final Selector selector;

	/** Whether the worker is ready to accept; guarded by {@code this}. */
	private boolean accepting;

	/** Whether the worker has left; guarded by {@code this}. */
	private boolean left;

	private SharedQueueChannel(ServerSocketChannel shared, Selector selector) {
		super(shared.provider());
		this.shared = shared;
		this.selector = selector;
	}

	/**
	 * Open this worker's view of the socket it inherited.
	 * @return the view
	 * @throws IOException if the worker has no inherited listening socket
	 */
	static SharedQueueChannel ofInherited() throws IOException {
		ServerSocketChannel shared = InheritedListener.channel();
		shared.configureBlocking(false);
		Selector selector = Selector.open();
		shared.register(selector, SelectionKey.OP_ACCEPT);
		SharedQueueChannel channel = new SharedQueueChannel(shared, selector);
		// In a worker, accepting starts only once the worker is ready, and ends when it leaves
		ListenGate.whenOpen(channel::startAccepting);
		ListenGate.whenLeaving(channel::stopAccepting);
		return channel;
	}

	private synchronized void startAccepting() {
		if (!this.left) {
			this.accepting = true;
			notifyAll();
		}
	}

	private void stopAccepting() {
		synchronized (this) {
			this.left = true;
			this.accepting = false;
		}
		this.selector.wakeup();
		LeavingConnections.drain();
	}

	@Override
	public SocketChannel accept() throws IOException {
		boolean completed = false;
		begin(); // a close or an interrupt wakes the selector
		try {
			while (true) {
				awaitReady();
				if (!isOpen()) {
					throw new ClosedChannelException();
				}
				// Null when another worker took the connection first
				SocketChannel socket = this.shared.accept();
				if (socket != null) {
					completed = true;
					return socket;
				}
				this.selector.select();
				this.selector.selectedKeys().clear();
			}
		}
		finally {
			end(completed);
		}
	}

	/**
	 * Wait while the worker is not ready or has left; Jetty's acceptor thread parks here until
	 * the channel is closed.
	 */
	private synchronized void awaitReady() throws IOException {
		while (!this.accepting && isOpen()) {
			try {
				wait(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new ClosedChannelException();
			}
		}
	}

	@Override
	protected void implCloseSelectableChannel() throws IOException {
		synchronized (this) {
			notifyAll();
		}
		this.selector.close();
	}

	@Override
	protected void implConfigureBlocking(boolean block) {
		// Always blocking for its callers; the shared socket underneath stays non-blocking
	}

	@Override
	public ServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
		throw new AlreadyBoundException();
	}

	@Override
	public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
		this.shared.setOption(name, value);
		return this;
	}

	@Override
	public <T> T getOption(SocketOption<T> name) throws IOException {
		return this.shared.getOption(name);
	}

	@Override
	public Set<SocketOption<?>> supportedOptions() {
		return this.shared.supportedOptions();
	}

	@Override
	public ServerSocket socket() {
		return this.shared.socket();
	}

	@Override
	public SocketAddress getLocalAddress() throws IOException {
		return this.shared.getLocalAddress();
	}

}
