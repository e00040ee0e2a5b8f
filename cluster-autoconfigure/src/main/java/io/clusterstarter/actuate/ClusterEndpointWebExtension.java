package io.clusterstarter.actuate;

import java.util.Map;
import java.util.function.Supplier;

import io.clusterstarter.deploy.DeployRefusedException;
import io.clusterstarter.worker.PrimaryUnavailableException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link ClusterEndpoint}: every
 * refusal (400, 404, 409) and 503, after a bounded wait when the primary cannot be reached,
 * answers with {@code {"status": …, "reason": …}}, never a generic error page or a hang.
 *
 * @author cluster-spring-boot-starter
 */
@EndpointWebExtension(endpoint = ClusterEndpoint.class)
public class ClusterEndpointWebExtension {

	private final ClusterEndpoint delegate;

	/**
	 * Create the extension.
	 * @param delegate the endpoint
	 */
	public ClusterEndpointWebExtension(ClusterEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * Return the cluster, or 503 when the primary does not answer.
	 * @param securityContext the caller
	 * @return the response
	 */
	@ReadOperation
	public WebEndpointResponse<Object> cluster(SecurityContext securityContext) {
		try {
			return new WebEndpointResponse<>(this.delegate.cluster(securityContext));
		}
		catch (PrimaryUnavailableException ex) {
			return problem(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE, ex.getMessage());
		}
	}

	/**
	 * Return one worker: 404 if no live worker has the id, 400 if the id is not a number, 503
	 * when the primary does not answer.
	 * @param id the worker id
	 * @return the response
	 */
	@ReadOperation
	public WebEndpointResponse<Object> worker(@Selector String id) {
		try {
			Object worker = this.delegate.worker(id);
			return (worker != null) ? new WebEndpointResponse<>(worker) : noSuchWorker(id);
		}
		catch (InvalidEndpointRequestException ex) {
			return badRequest(ex);
		}
		catch (PrimaryUnavailableException ex) {
			return problem(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE, ex.getMessage());
		}
	}

	/**
	 * Act on the cluster: 200 with what started, 400 for an unknown action or invalid input
	 * (a deploy's artifact missing, not a jar, outside {@code cluster.deploy.directory}), 409
	 * when the primary refuses (a rolling restart or deploy already runs, a jar of another
	 * application, Java or IPC protocol), 503 when it does not answer.
	 * @param action the action
	 * @param workers the new number of workers, for {@code scale}; taken as text so that a
	 * value that is not a whole number gets a clear answer too
	 * @param artifact the jar to deploy, for {@code deploy}
	 * @return the response
	 */
	@WriteOperation
	public WebEndpointResponse<Object> act(@Nullable String action, @Nullable String workers,
			@Nullable String artifact) {
		return acted(null, () -> this.delegate.act(action, count(workers), artifact));
	}

	/**
	 * Act on one worker: 200 with what was done, 404 if no live worker has the id, 400 for a
	 * non-numeric id or an unknown action, 409 when the primary refuses (another worker is
	 * being replaced, a rolling restart runs), 503 when it does not answer.
	 * @param id the worker id
	 * @param action the action
	 * @return the response
	 */
	@WriteOperation
	public WebEndpointResponse<Object> actOnWorker(@Selector String id, @Nullable String action) {
		return acted(id, () -> this.delegate.actOnWorker(id, action));
	}

	private static WebEndpointResponse<Object> acted(@Nullable String id, Supplier<Map<String, Object>> action) {
		try {
			Map<String, Object> done = action.get();
			return (done != null) ? new WebEndpointResponse<>(done) : noSuchWorker(id);
		}
		catch (InvalidEndpointRequestException ex) {
			return badRequest(ex);
		}
		catch (PrimaryUnavailableException ex) {
			return problem(WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE, ex.getMessage());
		}
		catch (DeployRefusedException ex) {
			return problem(ex.isConflict() ? 409 : WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage());
		}
		catch (IllegalStateException ex) {
			return problem(409, ex.getMessage());
		}
	}

	private static @Nullable Integer count(@Nullable String workers) {
		if (workers == null) {
			return null;
		}
		try {
			return Integer.valueOf(workers.strip());
		}
		catch (NumberFormatException ex) {
			throw new InvalidEndpointRequestException("'workers' must be a whole number, not '" + workers + "'",
					"Send {\"action\": \"scale\", \"workers\": n} with n at least 1");
		}
	}

	private static WebEndpointResponse<Object> badRequest(InvalidEndpointRequestException ex) {
		return problem(WebEndpointResponse.STATUS_BAD_REQUEST, ex.getMessage() + ". " + ex.getReason() + ".");
	}

	private static WebEndpointResponse<Object> noSuchWorker(@Nullable String id) {
		return problem(WebEndpointResponse.STATUS_NOT_FOUND,
				"No live worker has id " + ((id != null) ? id.strip() : "") + "; /actuator/cluster lists the live workers");
	}

	/**
	 * Every refusal says why, in one shape: {@code {"status": 409, "reason": "…"}}; the
	 * dashboard's endpoint answers in it too.
	 * @param status the HTTP status
	 * @param reason why
	 * @return the response
	 */
	public static WebEndpointResponse<Object> problem(int status, String reason) {
		return new WebEndpointResponse<>(Map.of("status", status, "reason", reason), status);
	}

}
