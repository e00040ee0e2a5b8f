package io.clusterstarter.port;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.web.server.PortInUseException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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
		try (PortReservation first = PortReservation.reserve(InetAddress.getLoopbackAddress(), port, locks)) {
			assertThat(first.port()).isEqualTo(port);
			assertThat(PortLock.isHeldHere(locks, port)).isTrue();
			// SO_REUSEPORT alone would let this bind succeed
			assertThatExceptionOfType(PortInUseException.class)
				.isThrownBy(() -> PortReservation.reserve(InetAddress.getLoopbackAddress(), port, locks));
		}
		// Released: the file says who held it last, and the next primary takes it
		assertThat(PortLock.isHeldHere(locks, port)).isFalse();
		assertThat(PortLock.holder(locks, port)).isEqualTo(String.valueOf(ProcessHandle.current().pid()));
		PortReservation.reserve(InetAddress.getLoopbackAddress(), port, locks).close();
	}

	@Test
	void aChosenPortIsLockedToo() throws IOException {
		Path locks = this.temp.resolve("locks");
		try (PortReservation chosen = PortReservation.reserve(null, 0, locks)) {
			assertThat(chosen.port()).isPositive();
			assertThat(locks.resolve("port-" + chosen.port() + ".lock")).exists();
			assertThatExceptionOfType(PortInUseException.class)
				.isThrownBy(() -> PortReservation.reserve(null, chosen.port(), locks));
		}
	}

	@Test
	void lockDirectoryOfAnotherOwnerIsRefused() throws IOException {
		// Not the same owner as the files created in it: a symbolic link stands in for it here
		Path real = Files.createDirectory(this.temp.resolve("real"));
		Path link = Files.createSymbolicLink(this.temp.resolve("link"), real);
		assertThatExceptionOfType(IOException.class)
			.isThrownBy(() -> PortReservation.reserve(InetAddress.getLoopbackAddress(), freePort(), link))
			.withMessageContaining("is not a directory");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
