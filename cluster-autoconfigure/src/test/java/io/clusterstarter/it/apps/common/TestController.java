package io.clusterstarter.it.apps.common;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.clusterstarter.Cluster;
import io.clusterstarter.CurrentWorker;
import io.clusterstarter.event.PrimaryMessageEvent;
import io.clusterstarter.ipc.IpcMessage;
import io.clusterstarter.worker.WorkerPropertySource;
import io.clusterstarter.worker.WorkerRuntime;

import org.springframework.context.event.EventListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.http.HttpMethod;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Endpoints through which tests look inside a worker and drive the primary.
 */
@RestController
class TestController {

	private final Cluster cluster;

	private volatile CompletableFuture<String> reply = new CompletableFuture<>();

	private final ConfigurableEnvironment environment;

	TestController(Cluster cluster, ConfigurableEnvironment environment) {
		this.cluster = cluster;
		this.environment = environment;
	}

	@GetMapping("/")
	Map<String, Object> whoAmI() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("pid", ProcessHandle.current().pid());
		body.put("worker", this.cluster.worker().map(CurrentWorker::id).orElse(null));
		body.put("slot", this.cluster.worker().map(CurrentWorker::slot).orElse(null));
		body.put("processors", Runtime.getRuntime().availableProcessors());
		return body;
	}

	/** What the warm-up sent: method, Host header, X-Warmup header and body of each request. */
	private static final List<String> warmupHits = new CopyOnWriteArrayList<>();

	@RequestMapping(path = "/warmup/hit", method = { RequestMethod.GET, RequestMethod.POST })
	String warmupHit(HttpMethod method, @RequestHeader("Host") String host,
			@RequestHeader(name = "X-Warmup", required = false) String marker,
			@RequestBody(required = false) String body) {
		warmupHits.add(method.name() + " " + host + " " + marker + " " + body);
		return "warm";
	}

	@GetMapping("/warmup/seen")
	List<String> warmupSeen() {
		return warmupHits;
	}

	@GetMapping("/slow")
	Map<String, Object> slow(@RequestParam long ms) throws InterruptedException {
		Thread.sleep(ms);
		return whoAmI();
	}

	@GetMapping("/env")
	Map<String, Object> env(@RequestParam String name) {
		Map<String, Object> body = whoAmI();
		body.put("value", System.getenv(name));
		return body;
	}

	@GetMapping("/prop")
	Map<String, Object> prop(@RequestParam String name) {
		Map<String, Object> body = whoAmI();
		String value = System.getProperty(name);
		body.put("value", value);
		body.put("length", (value != null) ? value.length() : -1);
		return body;
	}

	@GetMapping("/echo")
	Map<String, Object> echo(@RequestParam String text) throws Exception {
		this.reply = new CompletableFuture<>();
		CurrentWorker worker = this.cluster.worker().orElseThrow();
		worker.send(Map.of("echo", text));
		Map<String, Object> body = whoAmI();
		body.put("reply", this.reply.get(10, TimeUnit.SECONDS));
		return body;
	}

	@GetMapping("/primary/fork")
	Map<String, Object> fork(@RequestParam String env) {
		String[] pair = env.split("=", 2);
		this.cluster.worker().orElseThrow().send(Map.of("cmd", "fork", "env", Map.of(pair[0], pair[1])));
		return whoAmI();
	}

	@GetMapping("/primary/setup")
	Map<String, Object> setup(@RequestParam String execArgv) {
		this.cluster.worker().orElseThrow().send(Map.of("cmd", "setup", "execArgv", List.of(execArgv)));
		return whoAmI();
	}

	@GetMapping("/primary/disconnect")
	Map<String, Object> disconnect(@RequestParam int id) {
		this.cluster.worker().orElseThrow().send(Map.of("cmd", "disconnect", "id", id));
		return whoAmI();
	}

	@GetMapping("/primary/throw")
	Map<String, Object> failInPrimary() {
		this.cluster.worker().orElseThrow().send(Map.of("cmd", "throw"));
		return whoAmI();
	}

	/** Only the worker with the given id leaves, so a test can knock until the right one answers. */
	@GetMapping("/leave")
	Map<String, Object> leave(@RequestParam int id) {
		Map<String, Object> body = whoAmI();
		CurrentWorker worker = this.cluster.worker().orElseThrow();
		if (worker.id() == id) {
			worker.disconnect();
		}
		return body;
	}

	/** Memory held on purpose by {@code /retain}, as a leak would. */
	private static final List<byte[]> retained = new CopyOnWriteArrayList<>();

	/**
	 * Only the worker with the given id holds on to the given number of megabytes and collects,
	 * so that its heap after GC shows them.
	 */
	@GetMapping("/retain")
	Map<String, Object> retain(@RequestParam int id, @RequestParam int mb) {
		if (this.cluster.worker().orElseThrow().id() == id) {
			for (int i = 0; i < mb; i++) {
				retained.add(new byte[1024 * 1024]);
			}
			System.gc();
		}
		return whoAmI();
	}

	/** Sends figures no worker could have: the primary must ignore them. */
	@GetMapping("/report-implausible")
	Map<String, Object> reportImplausible() {
		WorkerRuntime runtime = WorkerPropertySource.runtimeOf(this.environment);
		runtime.report(new IpcMessage.Stats(-1, -1, -2, Double.NaN, -5, -1, -1L, -1L, null, null, null));
		return whoAmI();
	}

	@EventListener
	void onPrimaryMessage(PrimaryMessageEvent event) {
		if (event.getMessage().payload().has("reply")) {
			this.reply.complete(event.getMessage().payload().get("reply").asString());
		}
	}

}
