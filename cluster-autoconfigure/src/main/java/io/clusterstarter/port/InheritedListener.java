package io.clusterstarter.port;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;

/**
 * The listening socket a worker inherits from its primary as its standard input, in the shared
 * accept queue: one socket, bound and listening in the primary for the primary's whole life, from
 * which every ready worker accepts. A worker never closes it: the JDK answers the close of an
 * inherited channel by pointing standard input, output and error at {@code /dev/null}, which would
 * silence the worker's log from then on; its copy goes when the worker exits, and the queue stays
 * with the primary and the other workers.
 *
 * @author cluster-spring-boot-starter
 */
public final class InheritedListener {

	private InheritedListener() {
	}

	/**
	 * Return the inherited listening socket.
	 * @return the socket
	 * @throws IOException if standard input is not a listening socket
	 */
	public static ServerSocketChannel channel() throws IOException {
		Channel inherited = System.inheritedChannel();
		if (inherited instanceof ServerSocketChannel server) {
			return server;
		}
		throw new IOException("This worker was told to accept from its primary's listening socket, but its standard "
				+ "input is " + ((inherited != null) ? inherited.getClass().getSimpleName() : "not a socket")
				+ "; a process between the primary and the worker (a wrapper script) may have replaced it");
	}

}
