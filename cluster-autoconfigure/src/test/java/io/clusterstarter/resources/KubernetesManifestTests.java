package io.clusterstarter.resources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.clusterstarter.autoconfigure.ClusterProperties;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Deployment of {@code docs/containers-and-kubernetes.md}, read from the page, against the
 * starter's defaults: its grace period covers the preStop sleep and the shutdown time-out, its
 * startup probe the start-up time-out, its probes name the health groups the starter sets up, and
 * its workers fit its memory limit with the share each gets.
 */
class KubernetesManifestTests {

	private static final Path PAGE = Path.of("../docs/containers-and-kubernetes.md");

	private final ClusterProperties defaults = new ClusterProperties();

	private final Map<String, Object> pod = podSpec();

	private final Map<String, Object> container = map(list(this.pod.get("containers")).get(0));

	@Test
	void gracePeriodCoversThePreStopSleepAndTheShutdownTimeout() {
		int preStop = number(map(map(map(this.container.get("lifecycle")).get("preStop")).get("sleep")).get("seconds"));
		int grace = number(this.pod.get("terminationGracePeriodSeconds"));
		assertThat(grace).as("grace period").isGreaterThanOrEqualTo(preStop
				+ (int) this.defaults.getShutdownTimeout().toSeconds() + 5);
	}

	@Test
	void startupProbeWaitsAsLongAsTheStartupTimeout() {
		Map<String, Object> probe = map(this.container.get("startupProbe"));
		assertThat(number(probe.get("periodSeconds")) * number(probe.get("failureThreshold")))
			.isGreaterThanOrEqualTo((int) this.defaults.getStartupTimeout().toSeconds());
	}

	@Test
	void probesAskTheHealthGroupsTheStarterSetsUp() {
		assertThat(path("livenessProbe")).isEqualTo("/actuator/health/liveness");
		assertThat(path("startupProbe")).isEqualTo("/actuator/health/liveness");
		assertThat(path("readinessProbe"))
			.isEqualTo("/actuator/health/" + this.defaults.getReadiness().getHealthGroup());
		Map<String, String> env = env();
		assertThat(env).containsEntry("MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED", "true");
		assertThat(env.get("MANAGEMENT_ENDPOINT_HEALTH_GROUP_READINESS_INCLUDE").split(","))
			.contains("readinessState", "cluster");
	}

	@Test
	void workersFitTheMemoryLimitWithTheirShare() {
		Map<String, Object> resources = map(this.container.get("resources"));
		assertThat(resources.get("requests")).as("requests equal limits (Guaranteed)").isEqualTo(resources.get("limits"));
		Map<String, Object> limits = map(resources.get("limits"));
		int workers = Integer.parseInt(env().get("CLUSTER_WORKERS"));
		assertThat(Integer.parseInt((String) limits.get("cpu"))).as("one worker per processor").isEqualTo(workers);
		long memory = bytes((String) limits.get("memory"));
		long heap = (long) (memory * WorkerShares.maxRamPercentage(workers) / 100);
		assertThat(heap).isEqualTo(512L << 20);
		assertThat(WorkerShares.needed(workers, heap)).isLessThanOrEqualTo(memory);
	}

	private String path(String probe) {
		return (String) map(map(this.container.get(probe)).get("httpGet")).get("path");
	}

	private Map<String, String> env() {
		Map<String, String> env = new LinkedHashMap<>();
		list(this.container.get("env")).forEach((entry) -> env.put((String) map(entry).get("name"),
				(String) map(entry).get("value")));
		return env;
	}

	/**
	 * The Deployment's pod spec, from the page's first YAML block under its Kubernetes heading.
	 * @return the pod spec
	 */
	static Map<String, Object> podSpec() {
		try {
			String page = Files.readString(PAGE);
			Matcher block = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL)
				.matcher(page.substring(page.indexOf("## Kubernetes")));
			assertThat(block.find()).as("a YAML block in %s", PAGE).isTrue();
			Map<String, Object> deployment = new Yaml().load(block.group(1));
			assertThat(deployment).containsEntry("kind", "Deployment");
			return map(map(map(deployment.get("spec")).get("template")).get("spec"));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static long bytes(String quantity) {
		Matcher matcher = Pattern.compile("(\\d+)(Mi|Gi)").matcher(quantity);
		assertThat(matcher.matches()).as("a quantity in Mi or Gi: %s", quantity).isTrue();
		return Long.parseLong(matcher.group(1)) << (matcher.group(2).equals("Gi") ? 30 : 20);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	private static List<Object> list(Object value) {
		return (List<Object>) value;
	}

	private static int number(Object value) {
		return ((Number) value).intValue();
	}

}
