package io.clusterstarter.port;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.channel.socket.nio.NioServerSocketChannel;

/**
 * A Netty server channel on the listening socket the worker inherited from its primary
 * ({@link InheritedListener}). It is bound and listening already, so binding only marks it
 * active; it asks its event loop for connections only once the worker is ready
 * ({@link ListenGate}); and closing it stops this worker's accepting (its selection key is
 * cancelled) but leaves the socket open: it is the cluster's, and the JDK answers the close of an
 * inherited channel by detaching the worker's standard streams.
 *
 * @author cluster-spring-boot-starter
 */
final class SharedQueueNettyChannel extends NioServerSocketChannel {

	private static final long SETTLE_MILLIS = 200;

	private volatile boolean bound;

	private volatile boolean closed;

	private volatile boolean ready;

	/** When this channel last accepted a connection, in {@link System#nanoTime()}. */
	private volatile long lastAccept;

	private SharedQueueNettyChannel(ServerSocketChannel shared) {
		super(shared);
	}

	/**
	 * Open a channel on the worker's inherited socket.
	 * @return the channel
	 * @throws IOException if the worker has no inherited listening socket
	 */
	static SharedQueueNettyChannel ofInherited() throws IOException {
		SharedQueueNettyChannel channel = new SharedQueueNettyChannel(InheritedListener.channel());
		ListenGate.whenOpen(channel::startAccepting);
		ListenGate.whenLeaving(channel::stopAccepting);
		return channel;
	}

	/**
	 * Stop accepting as the worker leaves, before the server's graceful shutdown: that shutdown
	 * closes every connection without a request in progress, so a connection accepted a moment
	 * ago, whose request has not been read yet, would be closed unanswered. Such a request
	 * arrives within a round trip of the accept; one that came in the last
	 * {@value #SETTLE_MILLIS} ms is given the rest of that time to be read.
	 */
	private void stopAccepting() {
		this.ready = false;
		if (isRegistered()) {
			try {
				eventLoop().submit(() -> config().setAutoRead(false)).get(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException | TimeoutException ex) {
				// Stopping anyway: the server closes the channel next
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		long settle = SETTLE_MILLIS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.lastAccept);
		if (this.lastAccept != 0 && settle > 0) {
			try {
				Thread.sleep(settle);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		LeavingConnections.drain();
	}

	@Override
	protected int doReadMessages(List<Object> buf) throws Exception {
		int accepted = super.doReadMessages(buf);
		if (accepted > 0) {
			this.lastAccept = System.nanoTime();
		}
		return accepted;
	}

	private void startAccepting() {
		if (this.closed) {
			return;
		}
		this.ready = true;
		if (isRegistered()) {
			eventLoop().execute(() -> {
				if (isActive()) {
					read();
				}
			});
		}
	}

	@Override
	protected void doBind(SocketAddress localAddress) {
		// The primary bound and listens on it
		this.bound = true;
	}

	@Override
	protected void doBeginRead() throws Exception {
		if (this.ready) {
			super.doBeginRead();
		}
	}

	@Override
	protected void doClose() {
		// Not the socket: deregistering the channel cancels its selection key, which is enough
		this.closed = true;
	}

	@Override
	public boolean isOpen() {
		return !this.closed && super.isOpen();
	}

	@Override
	public boolean isActive() {
		return this.bound && isOpen();
	}

}
