package io.clusterstarter.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The command line's side of the control socket: sends one request and relays the primary's
 * answer to standard output and error, until the exit frame. It gives up on a primary that
 * stays silent for {@link ControlProtocol#CLIENT_IDLE_TIMEOUT_MILLIS} ms (the primary sends a
 * keep-alive while it works), so it never hangs.
 *
 * @author cluster-spring-boot-starter
 */
final class ControlClient {

	/** The exit status when the primary closed the socket without one. */
	static final int CLOSED = -1;

	private final PrintStream out;

	private final PrintStream err;

	private final long idleTimeoutMillis;

	ControlClient(PrintStream out, PrintStream err, long idleTimeoutMillis) {
		this.out = out;
		this.err = err;
		this.idleTimeoutMillis = idleTimeoutMillis;
	}

	/**
	 * Send the request and relay the answer.
	 * @param socket the primary's control socket
	 * @param args the command and its arguments
	 * @param workingDirectory the client's working directory, against which the primary
	 * resolves relative paths
	 * @return the exit status the primary sent, or {@link #CLOSED}
	 * @throws IOException if the socket cannot be reached, or the primary stayed silent too long
	 */
	int run(Path socket, List<String> args, Path workingDirectory) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
				Selector selector = Selector.open()) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			ByteBuffer request = ByteBuffer.wrap(request(args, workingDirectory).getBytes(StandardCharsets.UTF_8));
			while (request.hasRemaining()) {
				channel.write(request);
			}
			channel.configureBlocking(false);
			channel.register(selector, SelectionKey.OP_READ);
			ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
			ByteArrayOutputStream line = new ByteArrayOutputStream();
			while (true) {
				if (selector.select(this.idleTimeoutMillis) == 0) {
					throw new IOException("the primary sent nothing for " + (this.idleTimeoutMillis / 1000) + " s");
				}
				selector.selectedKeys().clear();
				int read = channel.read(buffer);
				if (read < 0) {
					return CLOSED;
				}
				buffer.flip();
				while (buffer.hasRemaining()) {
					byte b = buffer.get();
					if (b != '\n') {
						line.write(b);
						continue;
					}
					Integer exit = frame(line.toString(StandardCharsets.UTF_8));
					line.reset();
					if (exit != null) {
						return exit;
					}
				}
				buffer.clear();
			}
		}
	}

	/**
	 * Act on one frame.
	 * @return the exit status for an exit frame, else {@code null}
	 */
	private Integer frame(String frame) {
		char type = frame.isEmpty() ? ' ' : frame.charAt(0);
		String text = (frame.length() > 2) ? frame.substring(2) : "";
		switch (type) {
			case 'o' -> this.out.println(text);
			case 'e' -> this.err.println(text);
			case 'c' -> {
				// Cursor home, then clear the screen: the next frame of a live view
				this.out.print("\033[H\033[2J");
				this.out.flush();
			}
			case 'x' -> {
				this.out.flush();
				try {
					return Integer.parseInt(text.trim());
				}
				catch (NumberFormatException ex) {
					return ControlProtocol.FAILED;
				}
			}
			default -> {
				// 'k', keep-alive; anything else is from a newer primary: skipped
			}
		}
		return null;
	}

	/**
	 * The request line: a JSON object, written by hand so that the client loads no JSON library.
	 */
	static String request(List<String> args, Path workingDirectory) {
		StringBuilder json = new StringBuilder("{\"args\":[");
		for (int i = 0; i < args.size(); i++) {
			json.append((i > 0) ? "," : "");
			quote(json, args.get(i));
		}
		json.append("],\"cwd\":");
		quote(json, workingDirectory.toAbsolutePath().toString());
		return json.append("}\n").toString();
	}

	private static void quote(StringBuilder json, String text) {
		json.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '"' || c == '\\') {
				json.append('\\').append(c);
			}
			else if (c < 0x20) {
				json.append(String.format("\\u%04x", (int) c));
			}
			else {
				json.append(c);
			}
		}
		json.append('"');
	}

}
