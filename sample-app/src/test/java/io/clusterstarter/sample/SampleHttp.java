package io.clusterstarter.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Plain HTTP/1.1 for the sample's integration tests: one connection per request, so that the
 * kernel may hand each to another worker.
 */
final class SampleHttp {

	private SampleHttp() {
	}

	static String get(int port, String path) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout(10_000);
			socket.getOutputStream()
				.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			InputStream in = socket.getInputStream();
			String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			String body = response.substring(response.indexOf("\r\n\r\n") + 4);
			return response.toLowerCase().contains("transfer-encoding: chunked")
					? body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("\r\n0\r\n")) : body;
		}
	}

	/**
	 * A response's status and body.
	 * @param status the status code
	 * @param body the body
	 */
	record Response(int status, String body) {
	}

	static Response post(int port, String path, String json) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout(60_000);
			byte[] body = json.getBytes(StandardCharsets.UTF_8);
			socket.getOutputStream()
				.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
						+ "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().write(body);
			String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			int status = Integer.parseInt(response.substring(response.indexOf(' ') + 1, response.indexOf(' ') + 4));
			String content = response.substring(response.indexOf("\r\n\r\n") + 4);
			if (response.toLowerCase().contains("transfer-encoding: chunked")) {
				content = content.substring(content.indexOf("\r\n") + 2, content.lastIndexOf("\r\n0\r\n"));
			}
			return new Response(status, content);
		}
	}

	/**
	 * Send a GET on a new connection, as a probe or a client behind a Service does, and return
	 * its status.
	 * @param port the port
	 * @param path the path
	 * @param timeout how long to wait for the connection, and then for the answer
	 * @return the status
	 * @throws IOException if there is no answer in time
	 */
	static int status(int port, String path, Duration timeout) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
			socket.setSoTimeout((int) timeout.toMillis());
			socket.getOutputStream()
				.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
					.getBytes(StandardCharsets.US_ASCII));
			String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			return Integer.parseInt(response.substring(9, 12));
		}
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
