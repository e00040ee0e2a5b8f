package io.clusterstarter.ipc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Talks to an IPC socket the way a stranger would, for tests.
 */
public final class TestSockets {

	private TestSockets() {
	}

	/**
	 * Connect, send some text, and report whether the other end closes the connection within
	 * 15 seconds.
	 * @param socket the socket path
	 * @param text what to send, possibly nothing
	 * @return whether the connection was closed by the other end
	 */
	public static boolean closedByPeerAfter(Path socket, String text) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			try {
				write(channel, text);
			}
			catch (IOException ex) {
				return true; // closed while we were still writing
			}
			long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
			ByteBuffer buffer = ByteBuffer.allocate(64);
			while (System.nanoTime() < deadline) {
				try {
					if (channel.read(buffer) < 0) {
						return true;
					}
				}
				catch (IOException ex) {
					return true;
				}
				buffer.clear();
			}
			return false;
		}
	}

	/**
	 * Write all of a text.
	 * @param channel the channel
	 * @param text the text
	 */
	public static void write(SocketChannel channel, String text) throws IOException {
		ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
		while (bytes.hasRemaining()) {
			channel.write(bytes);
		}
	}

}
