package io.clusterstarter.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import io.clusterstarter.Cluster;
import io.clusterstarter.CurrentWorker;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Shows which worker (and which version of the application) answered, and answers slowly on
 * request to show graceful shutdown.
 *
 * @author cluster-spring-boot-starter
 */
@RestController
class WhoAmIController {

	private static final long MAX_DELAY_MILLIS = 60_000;

	private final Cluster cluster;

	private final String version;

	WhoAmIController(Cluster cluster, @Value("${spring.application.version:unknown}") String version) {
		this.cluster = cluster;
		this.version = version;
	}

	@GetMapping("/")
	Map<String, Object> whoAmI() {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("worker", this.cluster.worker().map(CurrentWorker::id).orElse(null));
		body.put("pid", ProcessHandle.current().pid());
		// From the jar's Implementation-Version: a client sees a deploy switch versions
		body.put("version", this.version);
		return body;
	}

	@GetMapping("/slow")
	Map<String, Object> slow(@RequestParam(defaultValue = "1000") long ms) throws InterruptedException {
		long delay = Math.max(0, Math.min(ms, MAX_DELAY_MILLIS));
		Thread.sleep(delay);
		Map<String, Object> body = whoAmI();
		body.put("sleptMillis", delay);
		return body;
	}

}
