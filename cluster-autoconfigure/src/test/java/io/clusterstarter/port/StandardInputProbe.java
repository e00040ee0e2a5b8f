package io.clusterstarter.port;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A primary and a child in two JVMs, for {@link StandardInputTests}: the primary listens, makes
 * the socket its standard input and starts the child, which finds it as its inherited channel and
 * accepts a connection the primary makes.
 */
public final class StandardInputProbe {

	private StandardInputProbe() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("child")) {
			child();
		}
		else {
			primary();
		}
	}

	private static void primary() throws Exception {
		ServerSocketChannel listening = (ServerSocketChannel) PortReservation
			.bindListening(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
		int port = ((InetSocketAddress) listening.getLocalAddress()).getPort();
		StandardInput.replaceWith(listening);
		System.out.println("primary listens on " + port);
		Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), StandardInputProbe.class.getName(), "child")
			.redirectInput(ProcessBuilder.Redirect.INHERIT)
			.redirectErrorStream(true)
			.start();
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
			String line = out.readLine();
			System.out.println(line);
			try (Socket client = new Socket()) {
				client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
				for (String next = out.readLine(); next != null; next = out.readLine()) {
					System.out.println(next);
				}
			}
		}
		System.out.println("child exited " + child.waitFor());
	}

	private static void child() throws Exception {
		Channel inherited = System.inheritedChannel();
		if (!(inherited instanceof ServerSocketChannel server)) {
			System.out.println("child inherited " + inherited);
			return;
		}
		System.out.println("child inherited a listening socket on "
				+ ((InetSocketAddress) server.getLocalAddress()).getPort());
		System.out.flush();
		try (SocketChannel accepted = server.accept()) {
			System.out.println("child accepted a connection from " + accepted.getRemoteAddress());
		}
	}

}
