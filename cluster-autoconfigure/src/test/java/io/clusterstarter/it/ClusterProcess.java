package io.clusterstarter.it;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real cluster for integration tests: a primary JVM started the way a user starts one
 * ({@code java -cp … Main --server.port=P}), with its output in a log file, and helpers to talk to
 * it over HTTP and to signal it.
 */
public final class ClusterProcess implements AutoCloseable {

	static final JsonMapper json = JsonMapper.builder().build();

	/**
	 * The embedded server an application runs on; the others are taken off its class path, and
	 * so are JDBC (with H2) and Spring Security, which only the applications made for them get.
	 */
	public enum Server {

		TOMCAT(List.of("/org/eclipse/jetty/", "/spring-boot-jetty/", "/spring-boot-starter-jetty",
				"/io/projectreactor/netty/", "/spring-boot-reactor-netty/", "/spring-webflux/", "/spring-boot-webflux/")),

		JETTY(List.of("/org/apache/tomcat/", "/spring-boot-tomcat/", "/spring-boot-starter-tomcat",
				"/io/projectreactor/netty/", "/spring-boot-reactor-netty/", "/spring-webflux/", "/spring-boot-webflux/")),

		NETTY(List.of("/org/apache/tomcat/", "/spring-boot-tomcat/", "/spring-boot-starter-tomcat", "/org/eclipse/jetty/",
				"/spring-boot-jetty/", "/spring-boot-starter-jetty", "/spring-webmvc/", "/spring-boot-webmvc/",
				"/jakarta/servlet/", "/spring-boot-servlet/")),

		/** Tomcat, and neither Actuator nor Micrometer: the starter must work without them. */
		TOMCAT_WITHOUT_ACTUATOR(Stream.concat(TOMCAT.excluded.stream(),
				Stream.of("/spring-boot-actuator", "/spring-boot-starter-actuator", "/spring-boot-health/",
						"/spring-boot-micrometer-", "/micrometer-core/", "/micrometer-registry-prometheus/",
						"/io/prometheus/"))
			.toList()),

		/** Tomcat with JDBC and an in-memory H2 database, as Spring Boot configures it by default. */
		TOMCAT_WITH_DATABASE(TOMCAT.excluded, Extras.DATABASE),

		/** Tomcat with Spring Security. */
		TOMCAT_SECURED(TOMCAT.excluded, Extras.SECURITY),

		/** Reactor Netty (WebFlux) with Spring Security. */
		NETTY_SECURED(NETTY.excluded, Extras.SECURITY);

		private final List<String> excluded;

		Server(List<String> excluded) {
			this(excluded, List.of());
		}

		Server(List<String> excluded, List<String> included) {
			List<String> all = new ArrayList<>(excluded);
			all.addAll(Extras.DATABASE);
			all.addAll(Extras.SECURITY);
			all.removeAll(included);
			this.excluded = List.copyOf(all);
		}

		String classPath() {
			return testClassPath().stream()
				.filter((entry) -> this.excluded.stream().noneMatch((fragment) -> entry.replace('\\', '/').contains(fragment)))
				.collect(Collectors.joining(File.pathSeparator));
		}

	}

	/** What only some test applications get on their class path. */
	private static final class Extras {

		static final List<String> DATABASE = List.of("/spring-boot-jdbc/", "/spring-boot-starter-jdbc/",
				"/org/springframework/spring-jdbc/", "/com/zaxxer/", "/com/h2database/");

		static final List<String> SECURITY = List.of("/org/springframework/security/", "/spring-boot-security/",
				"/spring-boot-starter-security/");

	}

	/** The log of every primary started in this JVM, in order, for {@link ClusterLogsOnFailure}. */
	private static final List<Path> logsStarted = new CopyOnWriteArrayList<>();

	private final Process process;

	private final Path log;

	private final int port;

	private final Path temp;

	private ClusterProcess(Process process, Path log, int port, Path temp) {
		this.process = process;
		this.log = log;
		this.port = port;
		this.temp = temp;
	}

	/**
	 * Start a primary.
	 * @param name name of the log file
	 * @param server the embedded server
	 * @param mainClass the application class
	 * @param jvmOptions JVM options of the primary
	 * @param args program arguments; {@code --server.port} is added when {@code port > 0}
	 * @param port the port, or 0 to leave it to the arguments
	 * @return the running primary
	 */
	public static ClusterProcess start(String name, Server server, Class<?> mainClass, List<String> jvmOptions,
			List<String> args, int port) throws IOException {
		return start(name, server, mainClass, jvmOptions, args, port, Map.of());
	}

	public static ClusterProcess start(String name, Server server, Class<?> mainClass, List<String> jvmOptions,
			List<String> args, int port, Map<String, String> env) throws IOException {
		return start(Path.of(System.getProperty("java.home")), name, server, mainClass, jvmOptions, args, port, env);
	}

	/**
	 * Start a primary on a given JDK.
	 * @param javaHome the JDK
	 * @param name name of the log file
	 * @param server the embedded server
	 * @param mainClass the application class
	 * @param jvmOptions JVM options of the primary
	 * @param args program arguments; {@code --server.port} is added when {@code port > 0}
	 * @param port the port, or 0 to leave it to the arguments
	 * @param env environment variables of the primary
	 * @return the running primary
	 */
	public static ClusterProcess start(Path javaHome, String name, Server server, Class<?> mainClass,
			List<String> jvmOptions, List<String> args, int port, Map<String, String> env) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(javaHome.resolve("bin").resolve("java").toString());
		command.add("-XX:TieredStopAtLevel=1");
		// The primary's and the workers' temporary files (Tomcat's directories, the IPC socket,
		// the port lock) go where the test removes them; primaries on one port share it, so that
		// they see each other's port lock
		Path temp = temporaryDirectory(port);
		command.add("-Djava.io.tmpdir=" + temp);
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(server.classPath());
		command.add(mainClass.getName());
		if (port > 0) {
			command.add("--server.port=" + port);
		}
		command.addAll(args);
		Path logDirectory = Path.of("target", "it-logs");
		Files.createDirectories(logDirectory);
		Path log = logDirectory.resolve(name + ".log");
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.redirectInput(ProcessBuilder.Redirect.PIPE);
		builder.environment().putAll(env);
		logsStarted.add(log);
		return new ClusterProcess(builder.start(), log, port, temp);
	}

	private static Path temporaryDirectory(int port) throws IOException {
		Path base = Path.of(System.getProperty("java.io.tmpdir"));
		if (port > 0) {
			Path shared = base.resolve("cluster-it-" + port);
			Files.createDirectories(shared);
			return shared;
		}
		return Files.createTempDirectory(base, "cluster-it-");
	}

	/**
	 * Find a JDK of at least a given release: the one running the tests, or one of those the
	 * build names in {@code it.jdks}.
	 * @param feature the least feature release
	 * @return the JDK's home, if there is one
	 */
	public static Optional<Path> jdk(int feature) {
		if (Runtime.version().feature() >= feature) {
			return Optional.of(Path.of(System.getProperty("java.home")));
		}
		for (String home : System.getProperty("it.jdks", "").split("[,:]")) {
			if (!home.isBlank() && featureOf(Path.of(home.strip())) >= feature) {
				return Optional.of(Path.of(home.strip()));
			}
		}
		return Optional.empty();
	}

	private static int featureOf(Path home) {
		try {
			for (String line : Files.readAllLines(home.resolve("release"))) {
				if (line.startsWith("JAVA_VERSION=\"")) {
					String version = line.substring("JAVA_VERSION=\"".length());
					return Integer.parseInt(version.split("[.\"+-]")[0]);
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			// Not a JDK this test can use
		}
		return 0;
	}

	public static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/** The test JVM's class path, read through surefire's manifest-only jar when there is one. */
	static List<String> testClassPath() {
		List<String> entries = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
		if (entries.size() == 1 && entries.get(0).endsWith(".jar")) {
			try (JarFile jar = new JarFile(entries.get(0))) {
				String manifestPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
				if (manifestPath != null) {
					return Arrays.stream(manifestPath.trim().split(" "))
						.map((uri) -> Path.of(URI.create(uri)).toString())
						.toList();
				}
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}
		return entries;
	}

	public long pid() {
		return this.process.pid();
	}

	public Process process() {
		return this.process;
	}

	public int port() {
		return this.port;
	}

	/**
	 * The log of every primary started in this JVM so far, in order.
	 * @return the logs' paths
	 */
	static List<Path> logsStarted() {
		return List.copyOf(logsStarted);
	}

	public String log() {
		try {
			return Files.readString(this.log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/** The environment of a running process, read from {@code /proc} (Linux). */
	public static Map<String, String> environmentOf(long pid) {
		try {
			String environ = Files.readString(Path.of("/proc", String.valueOf(pid), "environ"), StandardCharsets.UTF_8);
			Map<String, String> env = new LinkedHashMap<>();
			for (String entry : environ.split("\0")) {
				int equals = entry.indexOf('=');
				if (equals > 0) {
					env.put(entry.substring(0, equals), entry.substring(equals + 1));
				}
			}
			return env;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the environment of process " + pid, ex);
		}
	}

	public List<ProcessHandle> children() {
		return this.process.toHandle().children().toList();
	}

	/** The primary's view, from /actuator/cluster on the shared port. */
	public JsonNode cluster() {
		return json.readTree(get(this.port, "/actuator/cluster").body());
	}

	/** Ids of the workers the primary reports as listening, keyed by id, valued by pid. */
	public Map<Integer, Long> listeningWorkers() {
		try {
			return listeningWorkersAs(null);
		}
		catch (RuntimeException ex) {
			return new LinkedHashMap<>(); // Not up yet
		}
	}

	/** The same, asked with credentials, of a secured application. */
	public Map<Integer, Long> listeningWorkersAs(String authorization) {
		Map<Integer, Long> result = new LinkedHashMap<>();
		JsonNode workers = json.readTree(request(this.port, "GET", "/actuator/cluster", null, authorization,
				Duration.ofSeconds(30)).body()).get("workers");
		for (JsonNode worker : workers) {
			if ("listening".equals(worker.get("state").asString())) {
				result.put(worker.get("id").asInt(), worker.get("pid").asLong());
			}
		}
		return result;
	}

	public Map<Integer, Long> awaitListening(int count, Duration timeout) {
		await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("Primary exited with " + this.process.exitValue() + ":\n" + log());
			}
			return listeningWorkers().size() >= count;
		});
		return listeningWorkers();
	}

	public JsonNode getJson(String path) {
		Response response = get(this.port, path);
		if (response.status() != 200) {
			throw new IllegalStateException("GET " + path + " answered " + response.status() + ": " + response.body());
		}
		return json.readTree(response.body());
	}

	/** GET on a new connection, sent until the worker with the given pid answers. */
	public JsonNode getJsonFrom(long workerPid, String path) {
		for (int i = 0; i < 400; i++) {
			JsonNode body = getJson(path);
			if (body.get("pid").asLong() == workerPid) {
				return body;
			}
		}
		throw new IllegalStateException("Worker " + workerPid + " never answered " + path);
	}

	public void signal(String signal) throws IOException, InterruptedException {
		signal(signal, this.process.pid());
	}

	public static void signal(String signal, long... pids) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
		for (long pid : pids) {
			command.add(String.valueOf(pid));
		}
		new ProcessBuilder(command).inheritIO().start().waitFor();
	}

	public int awaitExit(Duration timeout) throws InterruptedException {
		if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			throw new IllegalStateException("Primary still running after " + timeout + ":\n" + log());
		}
		return this.process.exitValue();
	}

	/**
	 * Stop the cluster as an operator would, with SIGTERM, and return the primary's exit code;
	 * whatever is still running afterwards is killed.
	 */
	public int stop(Duration timeout) throws IOException, InterruptedException {
		try {
			signal("TERM");
			return awaitExit(timeout);
		}
		finally {
			close();
		}
	}

	/**
	 * Stop the cluster, if it started, and assert that the primary exited with 0: every worker
	 * left within the shutdown timeout.
	 */
	public static void stopCleanly(ClusterProcess cluster) throws IOException, InterruptedException {
		if (cluster != null) {
			assertThat(cluster.stop(Duration.ofSeconds(60))).as("the primary's exit code").isZero();
		}
	}

	@Override
	public void close() {
		this.process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
		this.process.destroyForcibly();
		try {
			this.process.waitFor(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try {
			FileSystemUtils.deleteRecursively(this.temp);
		}
		catch (IOException ex) {
			// Another primary on this port (the start-up race test) is still writing there
		}
	}

	/** A plain HTTP/1.1 GET on a new connection, with {@code Connection: close}. */
	public static Response get(int port, String path) {
		return get(port, path, Duration.ofSeconds(30));
	}

	/**
	 * A plain HTTP/1.1 GET on a new connection, with {@code Connection: close}, that fails
	 * when no answer arrives within the timeout.
	 */
	public static Response get(int port, String path, Duration timeout) {
		return request(port, "GET", path, null, null, timeout);
	}

	/** A plain HTTP/1.1 POST of a JSON body on a new connection. */
	public static Response post(int port, String path, String json) {
		return request(port, "POST", path, json, null, Duration.ofSeconds(30));
	}

	/**
	 * A plain HTTP/1.1 request on a new connection, with {@code Connection: close}.
	 * @param port the port
	 * @param method the method
	 * @param path the path
	 * @param json a JSON body, or {@code null}
	 * @param authorization the {@code Authorization} header, or {@code null}
	 * @param timeout how long to wait for the answer
	 * @return the answer
	 */
	public static Response request(int port, String method, String path, String json, String authorization,
			Duration timeout) {
		StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
		if (authorization != null) {
			request.append("Authorization: ").append(authorization).append("\r\n");
		}
		if (json != null) {
			request.append("Content-Type: application/json\r\nContent-Length: ")
				.append(json.getBytes(StandardCharsets.UTF_8).length)
				.append("\r\n");
		}
		request.append("\r\n").append((json != null) ? json : "");
		return send(port, request.toString(), path, timeout);
	}

	/** The {@code Authorization} header of HTTP Basic for a user. */
	public static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	private static Response send(int port, String request, String path, Duration timeout) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout((int) timeout.toMillis());
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			int status = Integer.parseInt(response.substring(9, 12));
			String head = response.substring(0, response.indexOf("\r\n\r\n"));
			String body = response.substring(response.indexOf("\r\n\r\n") + 4);
			if (head.toLowerCase().contains("transfer-encoding: chunked")) {
				body = dechunk(body);
			}
			return new Response(status, body);
		}
		catch (IOException ex) {
			throw new IllegalStateException(request.substring(0, request.indexOf(' ')) + " " + path + " on port " + port
					+ " failed: " + ex.getMessage(), ex);
		}
	}

	private static String dechunk(String chunked) {
		StringBuilder body = new StringBuilder();
		int index = 0;
		while (index < chunked.length()) {
			int lineEnd = chunked.indexOf("\r\n", index);
			int size = Integer.parseInt(chunked.substring(index, lineEnd).trim(), 16);
			if (size == 0) {
				break;
			}
			body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
			index = lineEnd + 2 + size + 2;
		}
		return body.toString();
	}

	/** An HTTP response. */
	public record Response(int status, String body) {
	}

}
