package io.clusterstarter.port;

import java.io.IOException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A Tomcat NIO endpoint that accepts from the listening socket the worker inherited from its
 * primary ({@link InheritedListener}): one accept queue for the whole cluster, from which a
 * worker takes a connection only while it calls {@code accept()}. A worker frozen in a pause,
 * not ready yet ({@link ListenGate}) or leaving takes nothing, and what waits in the queue goes
 * to the others.
 * <p>
 * The acceptor blocks in {@code accept()}: the kernel queues the acceptors of every worker and
 * hands each new connection to the one that has waited longest, so connections, a burst of them
 * included, spread evenly over the workers that are free. To stop, the acceptor is woken by
 * connections to the port ({@link #connectUntilAcceptorStops()}) rather than by closing the
 * socket, which the JDK would answer by detaching the worker's standard streams.
 *
 * @author cluster-spring-boot-starter
 */
public class SharedQueueNioEndpoint extends LeavingNioEndpoint {

	private volatile ServerSocketChannel channel;

	/** Whether the worker is ready to accept; guarded by {@code this}. */
	private boolean accepting;

	/** Whether accepting has ended; guarded by {@code this}. */
	private boolean stopped;

	@Override
	protected boolean ownsSocket() {
		return getUnixDomainSocketPath() == null;
	}

	@Override
	protected void initServerSocket() throws Exception {
		if (!ownsSocket()) {
			super.initServerSocket();
			return;
		}
		ServerSocketChannel shared = InheritedListener.channel();
		shared.configureBlocking(true);
		synchronized (this) {
			this.channel = shared;
			this.accepting = false;
			this.stopped = false;
		}
		// In a worker, accepting starts only once the worker is ready
		ListenGate.whenOpen(() -> startAccepting(shared));
	}

	private synchronized void startAccepting(ServerSocketChannel shared) {
		if (this.channel == shared && !this.stopped) {
			this.accepting = true;
			notifyAll();
		}
	}

	@Override
	protected NetworkChannel getServerSocket() {
		return ownsSocket() ? this.channel : super.getServerSocket();
	}

	@Override
	protected SocketChannel serverSocketAccept() throws Exception {
		if (!ownsSocket()) {
			return super.serverSocketAccept();
		}
		ServerSocketChannel shared;
		synchronized (this) {
			while (!this.accepting && !this.stopped) {
				wait();
			}
			if (this.stopped) {
				return null; // stopped before it ever accepted: no connection, nothing wrong
			}
			shared = this.channel;
		}
		return shared.accept();
	}

	/**
	 * Stop accepting: an acceptor waiting for the worker to be ready is told so, one in
	 * {@code accept()} is woken by a connection.
	 */
	@Override
	protected void unlockAccept() {
		if (!ownsSocket()) {
			super.unlockAccept();
			return;
		}
		boolean inAccept;
		synchronized (this) {
			inAccept = this.accepting;
			this.stopped = true;
			this.accepting = false;
			notifyAll();
		}
		if (inAccept) {
			connectUntilAcceptorStops();
		}
	}

	/**
	 * Stop accepting, and leave the socket open: it is the cluster's.
	 */
	@Override
	protected void doCloseServerSocket() throws IOException {
		if (!ownsSocket()) {
			super.doCloseServerSocket();
			return;
		}
		unlockAccept();
		this.channel = null;
	}

}
