package io.clusterstarter.port;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.clusterstarter.it.ClusterProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests for {@link StandardInput}: the one native call, made for real in a JVM that has it, and
 * the reasons it is not made elsewhere.
 */
class StandardInputTests {

	@TempDir
	Path temp;

	@Test
	void socketBecomesStandardInputAndAChildAcceptsFromIt() throws Exception {
		Path jdk = ClusterProcess.jdk(22).orElse(null);
		assumeThat(jdk).as("a JDK 22 or later, here or in -Dit.jdks").isNotNull();
		Path log = this.temp.resolve("probe.log");
		Process primary = new ProcessBuilder(jdk.resolve("bin/java").toString(), "--enable-native-access=ALL-UNNAMED",
				"-cp", System.getProperty("java.class.path"), StandardInputProbe.class.getName())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		assertThat(primary.waitFor(60, TimeUnit.SECONDS)).as("the probe ends").isTrue();
		String output = Files.readString(log, StandardCharsets.UTF_8);
		String port = output.replaceAll("(?s).*primary listens on (\\d+).*", "$1");
		assertThat(output).contains("child inherited a listening socket on " + port,
				"child accepted a connection from", "child exited 0");
		// Native access was enabled: the JDK had nothing to warn about
		assertThat(output).doesNotContain("WARNING");
	}

	@Test
	void descriptorOfAListeningSocketIsFoundInProc() throws IOException {
		try (ServerSocketChannel channel = ServerSocketChannel.open()) {
			channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
			int descriptor = StandardInput.descriptorOf(port).orElseThrow();
			assertThat(Files.readSymbolicLink(Path.of("/proc/self/fd/" + descriptor)).toString()).startsWith("socket:[");
			assertThat(descriptor).isGreaterThan(2);
		}
	}

	@Test
	void socketThatIsNotThisProcesssIsNotFound() throws IOException {
		// Bound but not listening: not in the kernel's list of listening sockets
		try (ServerSocketChannel channel = ServerSocketChannel.open()) {
			channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
			int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
			channel.close();
			assertThat(StandardInput.descriptorOf(port)).isEmpty();
		}
	}

	@Test
	void listeningInodesAreReadFromTheKernelsTable() throws IOException {
		Path table = this.temp.resolve("tcp");
		Files.write(table, List.of(
				"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
				"   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1",
				"   1: 0100007F:1F90 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000     0        0 4343 1",
				"   2: 00000000:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4444 1"));
		// Port 8080 (1F90): only the listening socket, not the connection on it
		assertThat(StandardInput.listeningInodes(table, 8080)).containsExactly("4242");
		assertThat(StandardInput.listeningInodes(this.temp.resolve("missing"), 8080)).isEmpty();
	}

	@Test
	void javaBefore22AndOtherSystemsSayWhyTheyFallBack() {
		assertThat(StandardInput.unavailableReason(17, "Linux")).contains("Java 22", "this is Java 17");
		assertThat(StandardInput.unavailableReason(25, "Mac OS X")).contains("/proc", "Mac OS X");
		assertThat(StandardInput.unavailableReason(25, "Linux")).isNull();
	}

}
