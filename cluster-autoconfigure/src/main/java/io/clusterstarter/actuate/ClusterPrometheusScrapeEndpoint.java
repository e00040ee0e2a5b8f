package io.clusterstarter.actuate;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;

import io.clusterstarter.worker.PrimaryUnavailableException;
import io.clusterstarter.worker.WorkerRuntime;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusOutputFormat;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusScrapeEndpoint;

/**
 * The {@code prometheus} endpoint of a cluster worker: one scrape on the shared port returns the
 * meters of every worker, each series labelled {@code worker_id} and {@code worker_slot}, and
 * the primary's cluster meters. The worker asks the primary, which gathers each worker's own
 * scrape over IPC and merges them. The answer is always the text format 0.0.4, which every
 * Prometheus server accepts.
 *
 * @author cluster-spring-boot-starter
 */
@WebEndpoint(id = "prometheus")
public class ClusterPrometheusScrapeEndpoint extends PrometheusScrapeEndpoint {

	private final WorkerRuntime runtime;

	private final Duration timeout;

	/**
	 * Create the endpoint and start answering the primary's requests for this worker's meters.
	 * @param runtime the worker's link to the primary
	 * @param timeout how long to wait for the primary's merged scrape
	 * @param prometheusRegistry this worker's registry
	 * @param exporterProperties the Prometheus exporter's properties
	 */
	public ClusterPrometheusScrapeEndpoint(WorkerRuntime runtime, Duration timeout,
			PrometheusRegistry prometheusRegistry, @Nullable Properties exporterProperties) {
		super(prometheusRegistry, exporterProperties);
		this.runtime = runtime;
		this.timeout = timeout;
		runtime.answer("prometheus", this::localScrape);
	}

	@Override
	@ReadOperation(producesFrom = PrometheusOutputFormat.class)
	public WebEndpointResponse<byte[]> scrape(PrometheusOutputFormat format, @Nullable Set<String> includedNames) {
		JsonNode names = (includedNames != null) ? this.runtime.codec().toTree(includedNames) : null;
		try {
			JsonNode merged = this.runtime.request("scrape", names, this.timeout);
			return new WebEndpointResponse<>(merged.asString().getBytes(StandardCharsets.UTF_8),
					PrometheusOutputFormat.CONTENT_TYPE_004);
		}
		catch (PrimaryUnavailableException | IllegalStateException ex) {
			// One worker's meters presented as the cluster's would mislead: fail the scrape
			return new WebEndpointResponse<>(("# " + ex.getMessage() + "\n").getBytes(StandardCharsets.UTF_8),
					WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE,
					PrometheusOutputFormat.CONTENT_TYPE_004.getProducedMimeType());
		}
	}

	private JsonNode localScrape(JsonNode argument) {
		Set<String> names = (argument != null && argument.isArray())
				? new HashSet<>(Arrays.asList(this.runtime.codec().fromTree(argument, String[].class))) : null;
		byte[] text = super.scrape(PrometheusOutputFormat.CONTENT_TYPE_004, names).getBody();
		return this.runtime.codec().toTree(new String(text, StandardCharsets.UTF_8));
	}

}
