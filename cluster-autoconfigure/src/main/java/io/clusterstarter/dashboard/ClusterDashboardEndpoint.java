package io.clusterstarter.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.actuate.ClusterEndpoint;
import io.clusterstarter.actuate.ClusterEndpointWebExtension;
import io.clusterstarter.worker.PrimaryUnavailableException;
import io.clusterstarter.worker.WorkerRuntime;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoint;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.WebEndpoint;
import org.springframework.util.MimeType;

/**
 * {@link WebEndpoint @WebEndpoint} that serves the cluster's dashboard: a page, its script and
 * style, all from the starter's jar, and the figures it polls. Any worker answers with what the
 * primary keeps: the cluster, its last events and the workers' memory and requests over time.
 * The page acts through the {@link ClusterEndpoint}'s write operations, so it offers actions
 * only where they are mapped ({@code management.endpoint.cluster.access=unrestricted}), and
 * every action goes through the application's security rules like any other request.
 *
 * @author cluster-spring-boot-starter
 */
@WebEndpoint(id = ClusterDashboardEndpoint.ID, defaultAccess = Access.READ_ONLY)
public class ClusterDashboardEndpoint {

	/** The endpoint's id. */
	public static final String ID = "clusterdashboard";

	/** The part with what the page shows now. */
	public static final String DATA = "data";

	/** The part with the workers' figures over time. */
	public static final String HISTORY = "history";

	private static final String RESOURCES = "/io/clusterstarter/dashboard/";

	private static final MimeType HTML = MimeType.valueOf("text/html;charset=UTF-8");

	private static final MimeType JSON = MimeType.valueOf("application/json");

	/** The page's own files, by name, with their type. */
	private static final Map<String, MimeType> ASSETS = Map.of("dashboard.js",
			MimeType.valueOf("text/javascript;charset=UTF-8"), "dashboard.css", MimeType.valueOf("text/css;charset=UTF-8"));

	private final WorkerRuntime runtime;

	private final Duration timeout;

	private final Supplier<PathMappedEndpoints> endpoints;

	/**
	 * Create the endpoint.
	 * @param runtime the worker runtime, or {@code null} when the application is not clustered
	 * @param timeout how long to wait for the primary
	 * @param endpoints the web endpoints' paths, looked up at each request (they are known
	 * only once every endpoint, this one included, is created)
	 */
	public ClusterDashboardEndpoint(WorkerRuntime runtime, Duration timeout, Supplier<PathMappedEndpoints> endpoints) {
		this.runtime = runtime;
		this.timeout = timeout;
		this.endpoints = endpoints;
	}

	/**
	 * Return the page.
	 * @return the page, as HTML
	 */
	@ReadOperation(produces = "text/html")
	public WebEndpointResponse<String> page() {
		String self = path(ID);
		String name = (self != null) ? self.substring(self.lastIndexOf('/') + 1) : ID;
		return new WebEndpointResponse<>(resource("dashboard.html").replace("{{self}}", name), HTML);
	}

	/**
	 * Return a part of the page: {@value #DATA} (the cluster now, its last events, and the
	 * actions on offer), {@value #HISTORY} (the workers' figures over time), or one of its
	 * files ({@code dashboard.js}, {@code dashboard.css}).
	 * @param part the part
	 * @return the part; 404 for an unknown one, 503 when the primary does not answer
	 */
	@ReadOperation
	public WebEndpointResponse<Object> part(@Selector String part) {
		MimeType asset = ASSETS.get(part);
		if (asset != null) {
			return new WebEndpointResponse<>(resource(part), asset);
		}
		if (!DATA.equals(part) && !HISTORY.equals(part)) {
			return ClusterEndpointWebExtension.problem(WebEndpointResponse.STATUS_NOT_FOUND,
					"No part '" + part + "' of the dashboard");
		}
		try {
			return new WebEndpointResponse<>(DATA.equals(part) ? data() : history(), JSON);
		}
		catch (PrimaryUnavailableException ex) {
			return ClusterEndpointWebExtension.problem(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE, ex.getMessage());
		}
		catch (IllegalStateException ex) {
			// An older primary that does not know the dashboard's request
			return ClusterEndpointWebExtension.problem(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE,
					"The primary cannot show the dashboard: " + ex.getMessage()
							+ " (upgrade the primary: 'upgrade' on the command line)");
		}
	}

	private Map<String, Object> data() {
		String actions = actionsPath();
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("self", path(ID));
		data.put("actions", actions);
		if (this.runtime == null) {
			data.put("cluster", new ClusterSnapshot(null, Map.of()));
			data.put("events", List.of());
			data.put("artifacts", List.of());
			return data;
		}
		JsonNode answer = this.runtime.request("dashboard", null, this.timeout);
		ClusterSnapshot cluster = this.runtime.codec().fromTree(answer.path("cluster"), ClusterSnapshot.class);
		// The page never shows the workers' environment values, whoever asks
		data.put("cluster", cluster.withEnvValues((value) -> ClusterEndpoint.MASK));
		data.put("events", answer.path("events"));
		data.put("artifacts", (actions != null) ? answer.path("artifacts") : List.of());
		return data;
	}

	private Object history() {
		if (this.runtime == null) {
			return Map.of();
		}
		return this.runtime.request(HISTORY, null, this.timeout);
	}

	/**
	 * The cluster endpoint's path when its write operations are mapped, else {@code null}.
	 */
	private String actionsPath() {
		PathMappedEndpoints mapped = this.endpoints.get();
		PathMappedEndpoint cluster = (mapped != null) ? mapped.getEndpoint(EndpointId.of("cluster")) : null;
		if (cluster instanceof ExposableWebEndpoint web && web.getOperations()
			.stream()
			.anyMatch((operation) -> operation.getType() == OperationType.WRITE)) {
			return mapped.getPath(EndpointId.of("cluster"));
		}
		return null;
	}

	private String path(String id) {
		PathMappedEndpoints mapped = this.endpoints.get();
		return (mapped != null) ? mapped.getPath(EndpointId.of(id)) : null;
	}

	private static String resource(String name) {
		try (InputStream in = ClusterDashboardEndpoint.class.getResourceAsStream(RESOURCES + name)) {
			if (in == null) {
				throw new IllegalStateException("The starter's jar lacks " + RESOURCES + name);
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
