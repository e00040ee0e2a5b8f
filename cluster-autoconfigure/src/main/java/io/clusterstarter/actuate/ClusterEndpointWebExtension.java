package io.clusterstarter.actuate;

import java.util.Map;
import java.util.function.Supplier;

import io.clusterstarter.worker.PrimaryUnavailableException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * {@link EndpointWebExtension @EndpointWebExtension} for the {@link ClusterEndpoint}: answers 503
 * with the reason, after a bounded wait, when the primary cannot be reached, instead of an error
 * page or a hang.
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
			return unavailable(ex);
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
			return (worker != null) ? new WebEndpointResponse<>(worker)
					: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		catch (PrimaryUnavailableException ex) {
			return unavailable(ex);
		}
	}

	/**
	 * Act on the cluster: 200 with what started, 400 for an unknown action or invalid input,
	 * 409 when the primary refuses (a rolling restart already runs), 503 when it does not
	 * answer.
	 * @param action the action
	 * @param workers the new number of workers, for {@code scale}
	 * @return the response
	 */
	@WriteOperation
	public WebEndpointResponse<Object> act(String action, @Nullable Integer workers) {
		return acted(() -> this.delegate.act(action, workers));
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
	public WebEndpointResponse<Object> actOnWorker(@Selector String id, String action) {
		return acted(() -> this.delegate.actOnWorker(id, action));
	}

	private static WebEndpointResponse<Object> acted(Supplier<Map<String, Object>> action) {
		try {
			Map<String, Object> done = action.get();
			return (done != null) ? new WebEndpointResponse<>(done)
					: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
		}
		catch (PrimaryUnavailableException ex) {
			return unavailable(ex);
		}
		catch (IllegalStateException ex) {
			return new WebEndpointResponse<>(Map.of("status", 409, "reason", ex.getMessage()), 409);
		}
	}

	private static WebEndpointResponse<Object> unavailable(PrimaryUnavailableException ex) {
		return new WebEndpointResponse<>(Map.of("status", 503, "reason", ex.getMessage()),
				WebEndpointResponse.STATUS_SERVICE_UNAVAILABLE);
	}

}
