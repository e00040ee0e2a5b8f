package io.clusterstarter.worker;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;

/**
 * Tells the primary, when the first HTTP session is created in a worker, that the application
 * keeps sessions in each worker's memory: a client whose next connection reaches another worker
 * has no session there, and loses its login, a flash attribute after a redirect, or a CSRF token
 * kept in the session. The primary warns once for the cluster. Not installed when Spring Session
 * keeps the sessions elsewhere.
 *
 * @author cluster-spring-boot-starter
 */
public class HttpSessionNotice implements HttpSessionListener {

	private final WorkerRuntime runtime;

	private final AtomicBoolean sent = new AtomicBoolean();

	/**
	 * Create the notice.
	 * @param runtime this worker's link to the primary
	 */
	public HttpSessionNotice(WorkerRuntime runtime) {
		this.runtime = runtime;
	}

	@Override
	public void sessionCreated(HttpSessionEvent event) {
		if (this.sent.compareAndSet(false, true)) {
			this.runtime.notice("http-session", "The application keeps HTTP sessions in each worker's memory (a "
					+ "worker has just created one): a client whose next connection reaches another worker has no "
					+ "session there, and loses its login, a flash attribute after a redirect, or a CSRF token kept in "
					+ "the session. Keep sessions in a store every worker reads with Spring Session "
					+ "(spring-session-jdbc, spring-session-data-redis), or keep the application stateless", true);
		}
	}

}
