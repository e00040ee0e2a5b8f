package io.clusterstarter.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pod contract: what a kubelet does to the pod of {@code docs/containers-and-kubernetes.md},
 * done on this machine to the packaged sample, with the manifest read from the page. The primary
 * runs as PID 1 of a PID namespace of its own under the manifest's memory and processor limits
 * and with its environment; the startup probe is polled until it passes, then liveness and
 * readiness at their periods while new connections and slow requests come in (after a crashed
 * worker's replacement got ready, though the readiness group holds the cluster's health). Then the pod is
 * stopped as a kubelet stops it: the load stops a little after (the endpoints forget the pod),
 * the preStop sleep runs, SIGTERM goes to PID 1, and SIGKILL would follow at the grace period.
 * No request may be lost, no liveness probe may fail, and the cluster must exit by itself.
 */
class SamplePodContractIT {

	private static final Path JAR = Path.of(System.getProperty("sample.jar", "target/sample-app.jar"));

	private static final Path PAGE = Path.of("../docs/containers-and-kubernetes.md");

	/** How long after the pod's deletion the endpoints controller and kube-proxy still send it connections. */
	private static final Duration ENDPOINTS_PROPAGATION = Duration.ofSeconds(2);

	/** Requests of the load sent at once, each on a new connection, as clients behind a Service. */
	private static final int CLIENTS = 4;

	/** Slow requests in flight when SIGTERM comes. */
	private static final int SLOW_REQUESTS = 4;

	private Path temp;

	@BeforeEach
	void createDirectory() throws IOException {
		this.temp = Files.createTempDirectory("sample-pod");
	}

	@AfterEach
	void deleteDirectory() throws IOException {
		FileSystemUtils.deleteRecursively(this.temp);
	}

	@Test
	void podStartsServesAndStopsAsAKubeletDoesWithoutLosingARequest() throws Exception {
		Pod pod = Pod.read(PAGE);
		try (TestContainer container = TestContainer.withLimits(pod.memoryLimit(), pod.processors())) {
			SampleCluster cluster = SampleCluster.start(this.temp, container.prefix(true), SampleCluster.JAVA_HOME,
					pod.env(), List.of("-jar", JAR.toString()), JAR, "pod");
			ScheduledExecutorService kubelet = Executors.newScheduledThreadPool(2);
			ExecutorService clients = Executors.newCachedThreadPool();
			try (cluster) {
				int port = cluster.port();
				// The startup probe: the pod is restarted unless it passes within its budget
				Probe startup = pod.probe("startupProbe");
				await("the startup probe").atMost(startup.budget()).pollInterval(startup.period())
					.until(() -> startup.passes(port));
				assertThat(cluster.cluster().get("primary").get("pid").asLong()).as("the primary is PID 1").isEqualTo(1);
				int workers = Integer.parseInt(pod.env().get("CLUSTER_WORKERS"));
				cluster.awaitListening(workers);
				// A crashed worker's replacement gets ready although the readiness group holds the
				// cluster's health, DEGRADED meanwhile
				JsonNode crashed = SampleCluster.workerInSlot(cluster.cluster(), 0);
				new ProcessBuilder("kill", "-KILL", String.valueOf(TestContainer.hostPid(cluster.process().toHandle(),
						crashed.get("pid").asLong()))).start().waitFor();
				await("the crashed worker's replacement").atMost(SampleCluster.BOOT).ignoreExceptions()
					.until(() -> SampleCluster.workerInSlot(cluster.cluster(), 0).get("id").asInt() != crashed.get("id").asInt());
				cluster.awaitListening(workers);

				Probe liveness = pod.probe("livenessProbe");
				Probe readiness = pod.probe("readinessProbe");
				ConcurrentLinkedQueue<String> livenessFailures = new ConcurrentLinkedQueue<>();
				ConcurrentLinkedQueue<String> readinessFailures = new ConcurrentLinkedQueue<>();
				AtomicBoolean terminating = new AtomicBoolean();
				kubelet.scheduleAtFixedRate(() -> liveness.record(port, terminating, livenessFailures), 0,
						liveness.period().toMillis(), TimeUnit.MILLISECONDS);
				kubelet.scheduleAtFixedRate(() -> readiness.record(port, terminating, readinessFailures), 0,
						readiness.period().toMillis(), TimeUnit.MILLISECONDS);

				// Under load: new connections from several clients
				AtomicBoolean sending = new AtomicBoolean(true);
				AtomicLong answered = new AtomicLong();
				ConcurrentLinkedQueue<String> lost = new ConcurrentLinkedQueue<>();
				CountDownLatch loadStopped = new CountDownLatch(CLIENTS);
				for (int i = 0; i < CLIENTS; i++) {
					clients.execute(() -> {
						while (sending.get()) {
							send(port, "/", answered, lost);
						}
						loadStopped.countDown();
					});
				}
				await("the load under way").atMost(Duration.ofSeconds(60)).until(() -> answered.get() >= 500);
				// Requests in flight when SIGTERM comes: they must finish, not be cut
				Duration slow = pod.preStop().plusSeconds(4);
				List<Future<?>> slowRequests = new ArrayList<>();
				for (int i = 0; i < SLOW_REQUESTS; i++) {
					slowRequests.add(clients.submit(() -> send(port, "/slow?ms=" + slow.toMillis(), answered, lost)));
				}
				await("the slow requests in flight").atMost(Duration.ofSeconds(30))
					.until(() -> inFlight(cluster) >= SLOW_REQUESTS);

				// The pod is deleted: the load stops once the endpoints have forgotten it; meanwhile
				// the kubelet runs preStop (a sleep), then sends SIGTERM to PID 1
				long deleted = System.nanoTime();
				kubelet.schedule(() -> sending.set(false), ENDPOINTS_PROPAGATION.toMillis(), TimeUnit.MILLISECONDS);
				Thread.sleep(pod.preStop().toMillis());
				terminating.set(true);
				long pidOne = TestContainer.hostPid(cluster.process().toHandle(), 1);
				new ProcessBuilder("kill", "-TERM", String.valueOf(pidOne)).start().waitFor();
				Duration left = pod.gracePeriod().minusNanos(System.nanoTime() - deleted);
				boolean exited = cluster.process().waitFor(left.toMillis(), TimeUnit.MILLISECONDS);
				if (!exited) {
					new ProcessBuilder("kill", "-KILL", String.valueOf(pidOne)).start().waitFor();
				}
				assertThat(exited).as("the cluster exited within the grace period, without SIGKILL; log:%n%s", cluster.log())
					.isTrue();
				for (Future<?> request : slowRequests) {
					request.get(30, TimeUnit.SECONDS);
				}
				assertThat(loadStopped.await(30, TimeUnit.SECONDS)).isTrue();

				assertThat(lost).as("requests lost").isEmpty();
				assertThat(answered.get()).isGreaterThan(500 + SLOW_REQUESTS);
				assertThat(livenessFailures).as("liveness probes failed (the pod would have been restarted)").isEmpty();
				assertThat(readinessFailures).as("readiness probes failed while serving").isEmpty();
				assertThat(cluster.process().exitValue()).as(cluster.log()).isZero();
				assertThat(cluster.log()).contains("Received SIGTERM; shutting down the cluster", "Cluster stopped");
				assertThat(container.isOccupied()).as("processes left in the pod's cgroup").isFalse();
			}
			finally {
				kubelet.shutdownNow();
				clients.shutdownNow();
			}
		}
	}

	private static void send(int port, String path, AtomicLong answered, ConcurrentLinkedQueue<String> lost) {
		try {
			int status = SampleHttp.status(port, path, Duration.ofSeconds(60));
			if (status == 200) {
				answered.incrementAndGet();
			}
			else {
				lost.add(path + ": " + status);
			}
		}
		catch (IOException ex) {
			lost.add(path + ": " + ex);
		}
	}

	private static long inFlight(SampleCluster cluster) throws IOException {
		long total = 0;
		for (JsonNode worker : cluster.cluster().get("workers")) {
			total += worker.path("report").path("requests").path("inFlight").asLong(0);
		}
		return total;
	}

	/**
	 * What the test takes from the manifest: the container's limits, environment and probes, the
	 * preStop sleep and the grace period.
	 */
	private record Pod(Map<String, Object> spec, Map<String, Object> container) {

		static Pod read(Path page) throws IOException {
			String text = Files.readString(page);
			Matcher block = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL)
				.matcher(text.substring(text.indexOf("## Kubernetes")));
			assertThat(block.find()).as("the Deployment in %s", page).isTrue();
			Map<String, Object> deployment = new Yaml().load(block.group(1));
			Map<String, Object> spec = map(map(map(deployment.get("spec")).get("template")).get("spec"));
			return new Pod(spec, map(((List<?>) spec.get("containers")).get(0)));
		}

		long memoryLimit() {
			Matcher quantity = Pattern.compile("(\\d+)(Mi|Gi)").matcher((String) limits().get("memory"));
			assertThat(quantity.matches()).isTrue();
			return Long.parseLong(quantity.group(1)) << (quantity.group(2).equals("Gi") ? 30 : 20);
		}

		double processors() {
			return Double.parseDouble((String) limits().get("cpu"));
		}

		Map<String, String> env() {
			Map<String, String> env = new LinkedHashMap<>();
			((List<?>) this.container.get("env")).forEach((entry) -> env.put((String) map(entry).get("name"),
					(String) map(entry).get("value")));
			return env;
		}

		Probe probe(String name) {
			Map<String, Object> probe = map(this.container.get(name));
			return new Probe(name, (String) map(probe.get("httpGet")).get("path"),
					Duration.ofSeconds(((Number) probe.get("periodSeconds")).longValue()),
					((Number) probe.get("failureThreshold")).intValue(),
					Duration.ofSeconds(((Number) probe.getOrDefault("timeoutSeconds", 1)).longValue()));
		}

		Duration preStop() {
			return Duration.ofSeconds(((Number) map(map(map(this.container.get("lifecycle")).get("preStop")).get("sleep"))
				.get("seconds")).longValue());
		}

		Duration gracePeriod() {
			return Duration.ofSeconds(((Number) this.spec.get("terminationGracePeriodSeconds")).longValue());
		}

		private Map<String, Object> limits() {
			return map(map(this.container.get("resources")).get("limits"));
		}

		@SuppressWarnings("unchecked")
		private static Map<String, Object> map(Object value) {
			return (Map<String, Object>) value;
		}

	}

	/**
	 * An HTTP probe as a kubelet runs it: a GET on a new connection, passing with a status from
	 * 200 to 399 within its time-out.
	 */
	private record Probe(String name, String path, Duration period, int failureThreshold, Duration timeout) {

		Duration budget() {
			return this.period.multipliedBy(this.failureThreshold);
		}

		boolean passes(int port) {
			try {
				int status = SampleHttp.status(port, this.path, this.timeout);
				return status >= 200 && status < 400;
			}
			catch (IOException ex) {
				return false;
			}
		}

		/** Probe once; a failure before the pod is terminating is recorded. */
		void record(int port, AtomicBoolean terminating, ConcurrentLinkedQueue<String> failures) {
			if (!passes(port) && !terminating.get()) {
				failures.add(this.name + " " + this.path + " failed at " + Instant.now());
			}
		}

	}

}
