package io.clusterstarter.it;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends GET / to the cluster over persistent HTTP/1.1 connections, as wrk does: each
 * connection sends its next request as soon as the last answer is read, and is opened again
 * only when an answer says {@code Connection: close}. It reads every answer by its framing
 * (chunked or {@code Content-Length}), so it sees what such a client sees when a worker leaves:
 * a connection closed under a request sent, or an answer whose end is the connection's close.
 */
final class KeepAliveClient implements AutoCloseable {

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicInteger answered = new AtomicInteger();

	private final AtomicInteger closeAnswers = new AtomicInteger();

	private final List<String> failures = new CopyOnWriteArrayList<>();

	private final List<Thread> threads = new ArrayList<>();

	private KeepAliveClient(int port, int connections) {
		for (int i = 0; i < connections; i++) {
			Thread thread = new Thread(() -> run(port), "cluster-test-keep-alive-" + i);
			thread.start();
			this.threads.add(thread);
		}
	}

	static KeepAliveClient start(int port, int connections) {
		return new KeepAliveClient(port, connections);
	}

	private void run(int port) {
		while (this.running.get()) {
			try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
				socket.setSoTimeout(30_000);
				OutputStream out = socket.getOutputStream();
				InputStream in = socket.getInputStream();
				boolean open = true;
				while (open && this.running.get()) {
					out.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
					out.flush();
					open = readAnswer(in);
				}
			}
			catch (IOException ex) {
				this.failures.add(System.currentTimeMillis() + " " + ex);
			}
		}
	}

	/**
	 * Read one answer by its framing; return whether the connection stays open.
	 */
	private boolean readAnswer(InputStream in) throws IOException {
		String head = readHead(in);
		String status = head.substring(0, head.indexOf("\r\n"));
		String headers = head.toLowerCase(Locale.ROOT);
		if (headers.contains("\r\ntransfer-encoding: chunked")) {
			readChunks(in);
		}
		else if (headers.contains("\r\ncontent-length: ")) {
			int start = headers.indexOf("\r\ncontent-length: ") + 18;
			int length = Integer.parseInt(headers.substring(start, headers.indexOf("\r\n", start)).trim());
			in.readNBytes(length);
		}
		else {
			this.failures.add(System.currentTimeMillis() + " an answer ended by the connection's close: " + status);
			in.readAllBytes();
			return false;
		}
		if (status.contains(" 200 ")) {
			this.answered.incrementAndGet();
		}
		else {
			this.failures.add(System.currentTimeMillis() + " " + status);
		}
		boolean close = headers.contains("\r\nconnection: close");
		if (close) {
			this.closeAnswers.incrementAndGet();
		}
		return !close;
	}

	private static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		while (matched < 4) {
			int b = in.read();
			if (b < 0) {
				throw new EOFException("closed before an answer" + ((head.size() > 0) ? " was complete" : ""));
			}
			head.write(b);
			matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r') ? 1 : 0;
		}
		return head.toString(StandardCharsets.US_ASCII);
	}

	private static void readChunks(InputStream in) throws IOException {
		while (true) {
			String size = readLine(in);
			int length = Integer.parseInt(size.split(";")[0].trim(), 16);
			in.readNBytes(length);
			readLine(in);
			if (length == 0) {
				return;
			}
		}
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		int b;
		while ((b = in.read()) != '\n') {
			if (b < 0) {
				throw new EOFException("closed inside a chunked answer");
			}
			if (b != '\r') {
				line.append((char) b);
			}
		}
		return line.toString();
	}

	int answered() {
		return this.answered.get();
	}

	/**
	 * Return how many answers said {@code Connection: close}: the workers that left told their
	 * clients to reconnect.
	 */
	int closeAnswers() {
		return this.closeAnswers.get();
	}

	@Override
	public void close() throws InterruptedException {
		this.running.set(false);
		for (Thread thread : this.threads) {
			thread.join(35_000);
		}
	}

	void assertNoneLost() {
		assertThat(this.failures).as("failures of " + (this.answered.get() + this.failures.size()) + " requests")
			.isEmpty();
	}

}
