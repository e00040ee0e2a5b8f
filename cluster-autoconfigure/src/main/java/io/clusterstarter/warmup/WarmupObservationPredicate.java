package io.clusterstarter.warmup;

import java.net.InetSocketAddress;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.observation.transport.ReceiverContext;
import jakarta.servlet.ServletRequest;

import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.ClassUtils;

/**
 * Leaves the warm-up's requests out of the application's observations, and so out of
 * {@code http.server.requests} and traces, for Spring MVC and WebFlux alike: an HTTP server
 * observation whose request arrived on the warm-up's port ({@link WarmupTraffic}) is not made.
 *
 * @author cluster-spring-boot-starter
 */
public class WarmupObservationPredicate implements ObservationPredicate {

	private static final boolean SERVLET = ClassUtils.isPresent("jakarta.servlet.ServletRequest",
			WarmupObservationPredicate.class.getClassLoader());

	private static final boolean REACTIVE = ClassUtils.isPresent(
			"org.springframework.http.server.reactive.ServerHttpRequest", WarmupObservationPredicate.class.getClassLoader());

	@Override
	public boolean test(String name, Observation.Context context) {
		if (!(context instanceof ReceiverContext<?> receiver)) {
			return true;
		}
		Object carrier = receiver.getCarrier();
		int port = (SERVLET) ? ServletPort.of(carrier) : -1;
		if (port < 0 && REACTIVE) {
			port = ReactivePort.of(carrier);
		}
		return port < 0 || !WarmupTraffic.isWarmup(port);
	}

	/** The local port of a servlet request, apart so that WebFlux runs without the Servlet API. */
	private static final class ServletPort {

		static int of(Object carrier) {
			return (carrier instanceof ServletRequest request) ? request.getLocalPort() : -1;
		}

	}

	/** The local port of a reactive request, apart so that MVC runs without WebFlux's types. */
	private static final class ReactivePort {

		static int of(Object carrier) {
			if (carrier instanceof ServerHttpRequest request) {
				InetSocketAddress local = request.getLocalAddress();
				return (local != null) ? local.getPort() : -1;
			}
			return -1;
		}

	}

}
