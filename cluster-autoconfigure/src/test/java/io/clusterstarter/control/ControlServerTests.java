package io.clusterstarter.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tests for {@link ControlServer} and the {@link ClusterCommandLine} that talks to it, over a
 * real Unix-domain socket.
 */
class ControlServerTests {

	@TempDir
	Path temp;

	private ControlDirectory directory;

	private final List<List<String>> handled = new CopyOnWriteArrayList<>();

	private ControlServer server;

	@BeforeEach
	void open() throws IOException {
		this.directory = new ControlDirectory(this.temp.resolve("control"));
		this.server = ControlServer.open(this.directory, "shop-8080",
				Map.of("start-class", "com.example.Shop", "port", "8080"), this.temp.resolve("shop.pid"), (session) -> {
					this.handled.add(session.args());
					if (session.args().get(0).equals("status")) {
						session.out("all good\nreally");
						session.err("a warning");
						session.out("cwd " + session.workingDirectory());
						return ControlProtocol.OK;
					}
					session.err("cluster: it failed");
					return ControlProtocol.FAILED;
				});
	}

	@AfterEach
	void close() {
		this.server.close();
	}

	@Test
	void opensAPrivateSocketDescribesTheClusterAndRemovesItsFilesOnClose() throws IOException {
		String pid = String.valueOf(ProcessHandle.current().pid());
		assertThat(Files.getPosixFilePermissions(this.directory.path()))
			.isEqualTo(PosixFilePermissions.fromString("rwx------"));
		assertThat(Files.getPosixFilePermissions(this.directory.socket("shop-8080")))
			.isEqualTo(PosixFilePermissions.fromString("rw-------"));
		assertThat(Files.readString(this.directory.pidFile("shop-8080")).trim()).isEqualTo(pid);
		assertThat(Files.readString(this.temp.resolve("shop.pid")).trim()).isEqualTo(pid);
		assertThat(this.directory.running()).singleElement().satisfies((entry) -> {
			assertThat(entry.name()).isEqualTo("shop-8080");
			assertThat(entry.pid()).isEqualTo(ProcessHandle.current().pid());
			assertThat(entry.startClass()).isEqualTo("com.example.Shop");
			assertThat(entry.port()).isEqualTo("8080");
		});
		this.server.close();
		try (var files = Files.list(this.directory.path())) {
			assertThat(files).isEmpty();
		}
		assertThat(this.temp.resolve("shop.pid")).doesNotExist();
	}

	@Test
	void socketRemovedFromUnderTheRunningPrimaryIsMadeAgain() throws IOException {
		FileSystemUtils.deleteRecursively(this.directory.path());
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(this.directory.socket("shop-8080")).exists());
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(this.directory.running()).singleElement()
				.satisfies((entry) -> assertThat(entry.startClass()).isEqualTo("com.example.Shop")));
		assertThat(Files.getPosixFilePermissions(this.directory.path()))
			.isEqualTo(PosixFilePermissions.fromString("rwx------"));
		Output output = new Output();
		assertThat(output.commandLine().run(List.of("--dir", this.directory.path().toString(), "status"))).isZero();
		assertThat(output.out()).startsWith("all good");
		// Only the description gone: written again, the socket kept
		Files.delete(this.directory.description("shop-8080"));
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(this.directory.running()).hasSize(1));
	}

	@Test
	void nameLetGoOfForANewPrimaryLeavesTheCommandUnderWayToAnswerBeforeTheServerCloses() throws Exception {
		CountDownLatch answer = new CountDownLatch(1);
		ControlServer old = ControlServer.open(this.directory, "upgrading", Map.of(), null, (session) -> {
			this.handled.add(session.args());
			try {
				answer.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			session.out("upgrade completed");
			return ControlProtocol.OK;
		});
		Output output = new Output();
		CompletableFuture<Integer> client = CompletableFuture.supplyAsync(() -> output.commandLine()
			.run(List.of("--dir", this.directory.path().toString(), "--name", "upgrading", "upgrade")));
		await().atMost(Duration.ofSeconds(30)).until(() -> this.handled.contains(List.of("upgrade")));
		old.releaseName();
		assertThat(this.directory.socket("upgrading")).doesNotExist();
		// The old primary exits while its client still waits for the last lines
		Thread closing = new Thread(old::close);
		closing.start();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> closing.getState() == Thread.State.TIMED_WAITING || !closing.isAlive());
		answer.countDown();
		assertThat(client.get(30, TimeUnit.SECONDS)).as(output.err()).isZero();
		assertThat(output.out()).isEqualTo("upgrade completed\n");
		closing.join(30_000);
		assertThat(closing.isAlive()).isFalse();
	}

	@Test
	void commandLineRelaysTheAnswerAndItsExitStatus() {
		Output output = new Output();
		int status = output.commandLine().run(List.of("--dir", this.directory.path().toString(), "status", "--json"));
		assertThat(status).isZero();
		assertThat(output.out()).isEqualTo("all good\nreally\ncwd " + Path.of("").toAbsolutePath() + "\n");
		assertThat(output.err()).isEqualTo("a warning\n");
		assertThat(this.handled).containsExactly(List.of("status", "--json"));
		Output failing = new Output();
		assertThat(failing.commandLine().run(List.of("--dir", this.directory.path().toString(), "reload"))).isEqualTo(1);
		assertThat(failing.err()).isEqualTo("cluster: it failed\n");
	}

	@Test
	void commandLinePicksAClusterByNameAndAsksWhenSeveralRun() throws IOException {
		try (ControlServer other = ControlServer.open(this.directory, "shop-9090", Map.of("start-class", "com.example.Shop"),
				null, (session) -> ControlProtocol.OK)) {
			Output several = new Output();
			assertThat(several.commandLine().run(List.of("--dir", this.directory.path().toString(), "status")))
				.isEqualTo(ControlProtocol.USAGE);
			assertThat(several.err()).contains("2 clusters run; choose one with --name: shop-8080 [pid ",
					"shop-9090 [pid ");
			Output named = new Output();
			assertThat(named.commandLine()
				.run(List.of("--dir", this.directory.path().toString(), "--name", "shop-8080", "status"))).isZero();
			assertThat(named.out()).startsWith("all good");
			Output unknown = new Output();
			assertThat(unknown.commandLine()
				.run(List.of("--dir", this.directory.path().toString(), "--name", "shop-1", "status"))).isEqualTo(3);
			assertThat(unknown.err()).contains("no cluster named 'shop-1' runs (running: shop-8080");
		}
	}

	@Test
	void commandLineWithoutAClusterOrWithATypoSaysSoAndExitsNonZero() {
		Output none = new Output();
		assertThat(none.commandLine().run(List.of("--dir", this.temp.resolve("nothing").toString(), "status")))
			.isEqualTo(ControlProtocol.NOT_RUNNING);
		assertThat(none.err()).contains("cluster: no cluster runs (none has a control socket in "
				+ this.temp.resolve("nothing"));
		Output typo = new Output();
		assertThat(typo.commandLine().run(List.of("--dir", this.directory.path().toString(), "stauts")))
			.isEqualTo(ControlProtocol.USAGE);
		assertThat(typo.err()).contains("unknown command 'stauts'", "help");
		assertThat(this.handled).isEmpty();
		Output help = new Output();
		assertThat(help.commandLine().run(List.of("help"))).isZero();
		assertThat(help.out()).contains("Usage: java -Djarmode=cluster -jar app.jar", "logs [ID] [-n N] [-f]");
	}

	@Test
	void badRequestsAreAnsweredAndNeverReachTheHandler() throws IOException {
		Path socket = this.directory.socket("shop-8080");
		assertThat(send(socket, "not json\n")).isEqualTo("e cluster: bad request: not JSON\nx 2\n");
		assertThat(send(socket, "{\"args\":[]}\n")).isEqualTo("e cluster: bad request: no 'args' array\nx 2\n");
		assertThat(send(socket, "[1,2]\n")).contains("no 'args' array");
		assertThat(send(socket, "{\"args\":[{\"a\":1}]}\n")).contains("not a string");
		assertThat(send(socket, "\u0000\u00ff\n")).contains("bad request");
		assertThat(send(socket, "y".repeat(ControlProtocol.MAX_REQUEST + 10))).contains("longer than 65536 bytes", "x 2");
		assertThat(send(socket, "{\"args\":[\"status\"]")).isEmpty(); // closed before its line ended
		assertThat(this.handled).isEmpty();
		assertThat(send(socket, "{\"args\":[\"status\"],\"cwd\":\"/srv\"}\n")).isEqualTo(
				"o all good\no really\ne a warning\no cwd /srv\nx 0\n");
	}

	@Test
	void aSocketLeftByAKilledPrimaryIsReplacedButALiveOneIsRefused() throws IOException {
		assertThatIOException()
			.isThrownBy(() -> ControlServer.open(this.directory, "shop-8080", Map.of(), null, (session) -> 0))
			.withMessageContaining("another cluster primary listens on its control socket");
		Path stale = this.directory.socket("stale");
		ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		dead.bind(UnixDomainSocketAddress.of(stale));
		dead.close(); // the file stays, as after kill -9
		assertThat(stale).exists();
		try (ControlServer replacing = ControlServer.open(this.directory, "stale", Map.of(), null, (session) -> 0)) {
			assertThat(send(stale, "{\"args\":[\"x\"]}\n")).isEqualTo("x 0\n");
		}
	}

	@Test
	void whatAKilledPrimaryLeftIsRemovedByTheNextOneAndNeverOffered() throws Exception {
		Process gone = new ProcessBuilder("true").start();
		gone.waitFor();
		Files.writeString(this.directory.description("killed-8081"), "pid=" + gone.pid() + "\n");
		Files.writeString(this.directory.pidFile("killed-8081"), gone.pid() + "\n");
		Files.writeString(this.directory.socket("killed-8081"), "");
		assertThat(this.directory.running()).extracting(ControlDirectory.Entry::name).containsExactly("shop-8080");
		try (ControlServer next = ControlServer.open(this.directory, "shop-8082", Map.of(), null, (session) -> 0)) {
			assertThat(this.directory.description("killed-8081")).doesNotExist();
			assertThat(this.directory.pidFile("killed-8081")).doesNotExist();
			assertThat(this.directory.socket("killed-8081")).doesNotExist();
			assertThat(this.directory.running()).extracting(ControlDirectory.Entry::name)
				.containsExactly("shop-8080", "shop-8082");
		}
	}

	@Test
	void aSocketPathTooLongForTheKernelIsRefusedWithTheReason() {
		ControlDirectory deep = new ControlDirectory(this.temp.resolve("d".repeat(120)));
		assertThatIOException().isThrownBy(() -> ControlServer.open(deep, "shop", Map.of(), null, (session) -> 0))
			.withMessageContaining("longer than the 107 bytes");
	}

	@Test
	void onlyThePrimarysOwnUserGetsInByThePeersRealCredentials() throws IOException {
		Path socket = this.temp.resolve("peer.sock");
		try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			server.bind(UnixDomainSocketAddress.of(socket));
			try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
				client.connect(UnixDomainSocketAddress.of(socket));
				try (SocketChannel accepted = server.accept()) {
					UnixDomainPrincipal peer = accepted.getOption(ExtendedSocketOptions.SO_PEERCRED);
					String me = Files.getOwner(this.temp).getName();
					assertThat(peer.user().getName()).isEqualTo(me);
					assertThat(ControlServer.refusal(peer, me)).isNull();
					assertThat(ControlServer.refusal(peer, "shop-service")).isEqualTo("permission denied: this "
							+ "cluster runs as 'shop-service', and only that user may operate it; you are '" + me + "'");
				}
			}
		}
	}

	@Test
	void requestEscapesWhatJsonMust() {
		assertThat(ControlClient.request(List.of("deploy", "a \"b\"\\c\n.jar"), Path.of("/srv/app")))
			.isEqualTo("{\"args\":[\"deploy\",\"a \\\"b\\\"\\\\c\\u000a.jar\"],\"cwd\":\"/srv/app\"}\n");
	}

	private static String send(Path socket, String request) throws IOException {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1));
			try {
				while (out.hasRemaining()) {
					channel.write(out);
				}
				channel.shutdownOutput();
			}
			catch (IOException ex) {
				// Refused before the whole request was written: the answer is read below
			}
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			ByteBuffer in = ByteBuffer.allocate(4096);
			while (channel.read(in) >= 0) {
				answer.write(in.array(), 0, in.position());
				in.clear();
			}
			return answer.toString(StandardCharsets.UTF_8);
		}
	}

	/** What a command line printed. */
	private static final class Output {

		private final ByteArrayOutputStream out = new ByteArrayOutputStream();

		private final ByteArrayOutputStream err = new ByteArrayOutputStream();

		ClusterCommandLine commandLine() {
			return new ClusterCommandLine(Map.of(), new PrintStream(this.out, true, StandardCharsets.UTF_8),
					new PrintStream(this.err, true, StandardCharsets.UTF_8));
		}

		String out() {
			return this.out.toString(StandardCharsets.UTF_8);
		}

		String err() {
			return this.err.toString(StandardCharsets.UTF_8);
		}

	}

}
