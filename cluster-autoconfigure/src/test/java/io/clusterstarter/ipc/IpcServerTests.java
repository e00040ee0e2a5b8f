package io.clusterstarter.ipc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link IpcServer} over a real Unix-domain socket.
 */
@ExtendWith(OutputCaptureExtension.class)
class IpcServerTests {

	private final List<String> events = new CopyOnWriteArrayList<>();

	private IpcServer server;

	@BeforeEach
	void start() throws IOException {
		this.server = new IpcServer(new MessageCodec(256), new IpcServer.Authenticator() {

			@Override
			public boolean accepts(int id, String token) {
				return id == 1 && IpcServer.tokensMatch("secret", token);
			}

			@Override
			public void connected(int id, IpcConnection connection) {
				IpcServerTests.this.events.add("connected " + id);
			}

			@Override
			public void received(int id, IpcMessage message) {
				IpcServerTests.this.events.add("received " + id + " " + message.getClass().getSimpleName());
			}

			@Override
			public void closed(int id) {
				IpcServerTests.this.events.add("closed " + id);
			}

		}, Duration.ofMillis(500));
	}

	@AfterEach
	void stop() {
		this.server.close();
	}

	@Test
	void socketLivesInADirectoryOnlyTheUserCanEnter() throws IOException {
		assertThat(Files.getPosixFilePermissions(this.server.directory()))
			.isEqualTo(PosixFilePermissions.fromString("rwx------"));
		assertThat(this.server.socketPath()).hasParent(this.server.directory());
	}

	@Test
	void closeRemovesTheDirectory() throws IOException {
		Files.writeString(this.server.directory().resolve("worker-1.args"), "x");
		this.server.close();
		assertThat(this.server.directory()).doesNotExist();
	}

	@Test
	void authenticatedWorkerKeepsItsChannelThroughMalformedAndOversizedLines(CapturedOutput output) throws IOException {
		try (SocketChannel channel = connect()) {
			TestSockets.write(channel, "{\"type\":\"hello\",\"id\":1,\"token\":\"secret\",\"protocol\":"
					+ IpcProtocol.VERSION + "}\n{\"type\":\"ready\"}\n");
			TestSockets.write(channel, "garbage\n{\"type\":\"teleport\"}\n" + "y".repeat(1000) + "\n");
			TestSockets.write(channel, "{\"type\":\"stopping\"}\n");
			await().atMost(Duration.ofSeconds(5))
				.untilAsserted(() -> assertThat(this.events).containsExactly("connected 1", "received 1 Ready",
						"received 1 Stopping"));
			assertThat(channel.isOpen()).isTrue();
		}
		await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(this.events).endsWith("closed 1"));
		assertThat(output).contains("Dropped a malformed message from worker 1", "Could not resolve type id 'teleport'",
				"Dropped a message of 1000 bytes from worker 1: larger than the limit of 256 bytes");
	}

	@Test
	void wrongTokenIsRefused(CapturedOutput output) throws IOException {
		assertThat(closedAfter("{\"type\":\"hello\",\"id\":1,\"token\":\"guess\"}\n")).isTrue();
		assertThat(closedAfter("{\"type\":\"hello\",\"id\":2,\"token\":\"secret\"}\n")).isTrue();
		assertThat(this.events).isEmpty();
		assertThat(output).contains("Closed an unauthenticated IPC connection (worker id 1 with a wrong token)");
	}

	@Test
	void workerOfAnotherProtocolVersionIsRefusedWithBothVersions(CapturedOutput output) throws IOException {
		assertThat(closedAfter("{\"type\":\"hello\",\"id\":1,\"token\":\"secret\",\"protocol\":"
				+ (IpcProtocol.VERSION + 1) + "}\n")).isTrue();
		assertThat(closedAfter("{\"type\":\"hello\",\"id\":1,\"token\":\"secret\"}\n")).isTrue();
		assertThat(this.events).isEmpty();
		assertThat(output).contains("its starter speaks IPC protocol " + (IpcProtocol.VERSION + 1)
				+ ", this primary speaks " + IpcProtocol.VERSION, "its starter speaks IPC protocol 0");
	}

	@Test
	void protocolVersionIsTheOneInTheStartersResource() throws IOException {
		try (var in = getClass().getClassLoader().getResourceAsStream(IpcProtocol.RESOURCE)) {
			assertThat(IpcProtocol.versionOf(in)).isEqualTo(IpcProtocol.VERSION).isPositive();
		}
	}

	@Test
	void connectionThatSaysNothingIsClosedAfterTheHandshakeTimeout(CapturedOutput output) throws IOException {
		assertThat(closedAfter("")).isTrue();
		assertThat(output).contains("Closed an IPC connection that sent no hello within 500 ms");
	}

	@Test
	void oversizedFirstLineIsRefused() throws IOException {
		assertThat(closedAfter("{\"type\":\"hello\",\"token\":\"" + "z".repeat(10_000) + "\"}\n")).isTrue();
		assertThat(this.events).isEmpty();
	}

	private SocketChannel connect() throws IOException {
		SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
		channel.connect(UnixDomainSocketAddress.of(this.server.socketPath()));
		return channel;
	}

	private boolean closedAfter(String text) throws IOException {
		return TestSockets.closedByPeerAfter(this.server.socketPath(), text);
	}

}
