package io.clusterstarter.port;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.web.server.PortInUseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link PortReservation} and its {@link PortLock}.
 */
class PortReservationTests {

	@TempDir
	Path temp;

	@Test
	void secondReservationOfAPortIsRefusedWhileTheFirstHoldsIt() throws IOException {
		Path locks = this.temp.resolve("locks");
		int port = freePort();
		try (PortReservation first = reusable(InetAddress.getLoopbackAddress(), port, locks)) {
			assertThat(first.port()).isEqualTo(port);
			assertThat(PortLock.isHeldHere(locks, port)).isTrue();
			// SO_REUSEPORT alone would let this bind succeed
			assertThatExceptionOfType(PortInUseException.class)
				.isThrownBy(() -> reusable(InetAddress.getLoopbackAddress(), port, locks));
		}
		// Released: the file says who held it last, and the next primary takes it
		assertThat(PortLock.isHeldHere(locks, port)).isFalse();
		assertThat(PortLock.holder(locks, port)).isEqualTo(String.valueOf(ProcessHandle.current().pid()));
		reusable(InetAddress.getLoopbackAddress(), port, locks).close();
	}

	@Test
	void aChosenPortIsLockedToo() throws IOException {
		Path locks = this.temp.resolve("locks");
		try (PortReservation chosen = reusable(null, 0, locks)) {
			assertThat(chosen.port()).isPositive();
			assertThat(locks.resolve("port-" + chosen.port() + ".lock")).exists();
			assertThatExceptionOfType(PortInUseException.class)
				.isThrownBy(() -> reusable(null, chosen.port(), locks));
		}
	}

	@Test
	void lockDirectoryOfAnotherOwnerIsRefused() throws IOException {
		// Not the same owner as the files created in it: a symbolic link stands in for it here
		Path real = Files.createDirectory(this.temp.resolve("real"));
		Path link = Files.createSymbolicLink(this.temp.resolve("link"), real);
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> reusable(InetAddress.getLoopbackAddress(), freePort(), link))
			.withMessageContaining("is not a directory");
	}

	@Test
	void listeningReservationQueuesConnectionsAndKeepsEveryOtherProcessOff() throws Exception {
		Path locks = this.temp.resolve("locks");
		int port = freePort();
		InetAddress loopback = InetAddress.getLoopbackAddress();
		try (PortReservation queue = PortReservation.reserve(loopback, port, locks,
				(address) -> PortReservation.bindListening(address, 10))) {
			// Nobody accepts yet: the kernel completes the connection and queues it
			try (Socket client = new Socket()) {
				client.connect(new InetSocketAddress(loopback, port), 2000);
				assertThat(client.isConnected()).isTrue();
			}
			// No SO_REUSEPORT: not even a listener that asks for it can join
			try (ServerSocketChannel intruder = ServerSocketChannel.open()) {
				intruder.setOption(StandardSocketOptions.SO_REUSEPORT, true);
				assertThatExceptionOfType(IOException.class)
					.isThrownBy(() -> intruder.bind(new InetSocketAddress(loopback, port)));
			}
			assertThatExceptionOfType(PortInUseException.class).isThrownBy(() -> reusable(loopback, port, locks));
		}
		try (Socket client = new Socket()) {
			assertThatExceptionOfType(IOException.class)
				.isThrownBy(() -> client.connect(new InetSocketAddress(loopback, port), 2000));
		}
	}

	@Test
	void onlyAListeningReservationCanBeHandedToWorkers() throws IOException {
		try (PortReservation reserved = reusable(null, 0, this.temp.resolve("locks"))) {
			assertThatIllegalStateException().isThrownBy(reserved::handToWorkers);
		}
	}

	private static PortReservation reusable(InetAddress address, int port, Path locks) throws IOException {
		return PortReservation.reserve(address, port, locks, PortReservation::bindReusable);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
