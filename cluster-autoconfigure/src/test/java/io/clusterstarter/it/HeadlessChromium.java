package io.clusterstarter.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.core.ConditionTimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real browser for the dashboard's tests: Debian's Chromium, headless, driven over the
 * DevTools protocol with the JDK's own WebSocket client (no browser-driver dependency). One page;
 * scripts run in it as they would for a person, and keys are pressed as a keyboard would.
 */
public final class HeadlessChromium implements AutoCloseable {

	/** Where Debian's package puts it; .ci/run installs it. */
	public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final Process process;

	private final Path profile;

	private final WebSocket socket;

	private final AtomicInteger ids = new AtomicInteger();

	private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

	private HeadlessChromium(Process process, Path profile, WebSocket socket) {
		this.process = process;
		this.profile = profile;
		this.socket = socket;
	}

	/**
	 * Start the browser with one blank page; the test is skipped where Chromium is not installed.
	 * @return the browser
	 * @throws Exception if it does not start
	 */
	public static HeadlessChromium start() throws Exception {
		assumeTrue(Files.isExecutable(CHROMIUM), "needs Chromium at " + CHROMIUM + " (.ci/run installs it)");
		Path profile = Files.createTempDirectory("chromium-profile");
		// The flags of a browser that must not reach out: no background networking, no updates,
		// no sync; --no-sandbox because tests run as root
		ProcessBuilder builder = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--disable-extensions", "--remote-debugging-port=0", "--user-data-dir=" + profile,
				"--window-size=1280,1000", "about:blank")
			.redirectErrorStream(true)
			.redirectOutput(profile.resolve("chromium.log").toFile());
		// Its singleton socket directory goes where everything else of it goes, and is deleted with it
		builder.environment().put("TMPDIR", profile.toString());
		Process process = builder.start();
		try {
			Path portFile = profile.resolve("DevToolsActivePort");
			await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() -> {
				assertThat(process.isAlive()).as("Chromium exited: %s", log(profile)).isTrue();
				return Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2;
			});
			int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
			HttpClient http = HttpClient.newHttpClient();
			JsonNode targets = json.readTree(http
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
						HttpResponse.BodyHandlers.ofString())
				.body());
			String page = null;
			for (JsonNode target : targets) {
				if ("page".equals(target.path("type").asString())) {
					page = target.path("webSocketDebuggerUrl").asString();
				}
			}
			assertThat(page).as("a page target in %s", targets).isNotNull();
			Listener listener = new Listener();
			WebSocket socket = http.newWebSocketBuilder()
				.buildAsync(URI.create(page), listener)
				.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			HeadlessChromium browser = new HeadlessChromium(process, profile, socket);
			listener.browser = browser;
			browser.send("Page.enable", Map.of());
			browser.send("Runtime.enable", Map.of());
			return browser;
		}
		catch (Exception | AssertionError ex) {
			process.destroyForcibly();
			FileSystemUtils.deleteRecursively(profile);
			throw ex;
		}
	}

	/**
	 * Send every request of the page with these headers too, such as credentials.
	 * @param headers the headers
	 */
	public void extraHeaders(Map<String, String> headers) {
		send("Network.enable", Map.of());
		send("Network.setExtraHTTPHeaders", Map.of("headers", headers));
	}

	/**
	 * Load a page and wait until its document is parsed.
	 * @param url the page
	 */
	public void open(String url) {
		JsonNode result = send("Page.navigate", Map.of("url", url));
		assertThat(result.has("errorText")).as("navigating to %s: %s", url, result).isFalse();
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
			.until(() -> !"loading".equals(evaluate("document.readyState").asString()));
	}

	/**
	 * Run an expression in the page, waiting for it when it is a promise.
	 * @param expression the JavaScript expression
	 * @return its value, as JSON
	 */
	public JsonNode evaluate(String expression) {
		JsonNode result = send("Runtime.evaluate",
				Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
		assertThat(result.has("exceptionDetails")).as("%s threw %s", expression, result.path("exceptionDetails"))
			.isFalse();
		return result.path("result").path("value");
	}

	/**
	 * Wait until an expression is true in the page.
	 * @param description what is waited for, for the failure message
	 * @param expression the JavaScript expression
	 * @param timeout how long to wait
	 */
	public void waitUntil(String description, String expression, Duration timeout) {
		try {
			await(description).atMost(timeout).pollInterval(Duration.ofMillis(250))
				.until(() -> evaluate("Boolean(" + expression + ")").asBoolean());
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("Not seen within " + timeout + ": " + description + "\nThe page shows:\n"
					+ evaluate("document.body.innerText").asString(""), ex);
		}
	}

	/**
	 * Press a key as a keyboard does: {@code Tab}, {@code Enter}, {@code Escape} or
	 * {@code Space}, optionally with shift.
	 * @param key the key
	 * @param shift whether shift is held
	 */
	public void press(String key, boolean shift) {
		Map<String, Object[]> keys = Map.of("Tab", new Object[] { "Tab", 9, "" }, "Enter",
				new Object[] { "Enter", 13, "\r" }, "Escape", new Object[] { "Escape", 27, "" }, "Space",
				new Object[] { " ", 32, " " });
		Object[] known = keys.get(key);
		assertThat(known).as("a known key").isNotNull();
		String code = key.equals("Space") ? "Space" : key;
		ObjectNode down = json.createObjectNode()
			.put("type", ((String) known[2]).isEmpty() ? "rawKeyDown" : "keyDown")
			.put("key", (String) known[0])
			.put("code", code)
			.put("windowsVirtualKeyCode", (int) known[1])
			.put("modifiers", shift ? 8 : 0);
		if (!((String) known[2]).isEmpty()) {
			down.put("text", (String) known[2]);
		}
		send("Input.dispatchKeyEvent", down);
		send("Input.dispatchKeyEvent", json.createObjectNode()
			.put("type", "keyUp")
			.put("key", (String) known[0])
			.put("code", code)
			.put("windowsVirtualKeyCode", (int) known[1])
			.put("modifiers", shift ? 8 : 0));
	}

	/**
	 * Press Tab until the element the selector names has the focus.
	 * @param selector a CSS selector
	 * @param most the most presses
	 */
	public void tabTo(String selector, int most) {
		String focused = "document.activeElement === document.querySelector(" + quote(selector) + ")";
		for (int i = 0; i < most; i++) {
			if (evaluate(focused).asBoolean()) {
				return;
			}
			press("Tab", false);
		}
		assertThat(evaluate(focused).asBoolean()).as("%s reached with Tab in %d presses", selector, most).isTrue();
	}

	/**
	 * Show the page as a device of this size would.
	 * @param width the width in CSS pixels
	 * @param height the height
	 * @param mobile whether it is a phone (its viewport meta tag applies)
	 */
	public void viewport(int width, int height, boolean mobile) {
		send("Emulation.setDeviceMetricsOverride",
				Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
	}

	/**
	 * Save a picture of the whole page.
	 * @param file the PNG file
	 * @throws IOException if it cannot be written
	 */
	public void screenshot(Path file) throws IOException {
		JsonNode result = send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
		Files.write(file, Base64.getDecoder().decode(result.path("data").asString()));
	}

	/**
	 * Quote a string for a JavaScript expression.
	 * @param text the text
	 * @return the literal
	 */
	public static String quote(String text) {
		return json.writeValueAsString(text);
	}

	private JsonNode send(String method, Object params) {
		int id = this.ids.incrementAndGet();
		CompletableFuture<JsonNode> answer = new CompletableFuture<>();
		this.pending.put(id, answer);
		ObjectNode message = json.createObjectNode().put("id", id).put("method", method);
		message.set("params", json.valueToTree(params));
		this.socket.sendText(json.writeValueAsString(message), true).join();
		try {
			JsonNode response = answer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			assertThat(response.has("error")).as("%s failed: %s", method, response.path("error")).isFalse();
			return response.path("result");
		}
		catch (Exception ex) {
			throw new IllegalStateException(method + " got no answer from Chromium: " + ex, ex);
		}
		finally {
			this.pending.remove(id);
		}
	}

	@Override
	public void close() throws IOException, InterruptedException {
		this.socket.abort();
		// Its helpers (renderer, GPU, zygote) go with it: known now, before they lose their parent
		List<ProcessHandle> helpers = this.process.descendants().toList();
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		helpers.forEach(ProcessHandle::destroyForcibly);
		FileSystemUtils.deleteRecursively(this.profile);
	}

	private static String log(Path profile) {
		try {
			List<String> lines = Files.readAllLines(profile.resolve("chromium.log"));
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
		}
		catch (IOException ex) {
			return "(no log)";
		}
	}

	/**
	 * Collects each message's frames and completes the request it answers; events are ignored.
	 */
	private static final class Listener implements WebSocket.Listener {

		private final StringBuilder text = new StringBuilder();

		private volatile HeadlessChromium browser;

		@Override
		public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				JsonNode message = json.readTree(this.text.toString());
				this.text.setLength(0);
				HeadlessChromium target = this.browser;
				if (message.has("id") && target != null) {
					CompletableFuture<JsonNode> answer = target.pending.get(message.get("id").asInt());
					if (answer != null) {
						answer.complete(message);
					}
				}
			}
			socket.request(1);
			return null;
		}

	}

}
