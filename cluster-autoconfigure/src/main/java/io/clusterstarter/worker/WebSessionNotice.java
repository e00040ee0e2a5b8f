package io.clusterstarter.worker;

import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.DefaultWebSessionManager;
import org.springframework.web.server.session.InMemoryWebSessionStore;

/**
 * The WebFlux counterpart of {@link HttpSessionNotice}: tells the primary, when a worker first
 * saves a session in its in-memory store ({@code WebSession} with attributes, or started), that
 * the application keeps sessions in each worker's memory. It watches only the session manager
 * that keeps them there, Spring's {@link DefaultWebSessionManager} with an
 * {@link InMemoryWebSessionStore} (Spring Boot's default), so that a session store every worker
 * reads is never warned about; an application that never touches its session pays nothing.
 *
 * @author cluster-spring-boot-starter
 */
public class WebSessionNotice implements BeanPostProcessor {

	private final ConfigurableEnvironment environment;

	private final AtomicBoolean sent = new AtomicBoolean();

	/**
	 * Create the notice.
	 * @param environment the worker's environment, which holds its link to the primary
	 */
	public WebSessionNotice(ConfigurableEnvironment environment) {
		this.environment = environment;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof DefaultWebSessionManager manager && !(bean instanceof Noticing)
				&& manager.getSessionStore() instanceof InMemoryWebSessionStore) {
			return new Noticing(manager);
		}
		return bean;
	}

	private void sessionSaved(WebSession session) {
		if (session.isStarted() && this.sent.compareAndSet(false, true)) {
			WorkerPropertySource.runtimeOf(this.environment).notice("web-session", "The application keeps WebFlux "
					+ "sessions in each worker's memory (a worker has just saved one): a client whose next connection "
					+ "reaches another worker has no session there, and loses its login, or a CSRF token kept in the "
					+ "session (Spring Security's default). Keep sessions in a store every worker reads with Spring "
					+ "Session (spring-session-data-redis), keep CSRF tokens in a cookie "
					+ "(CookieServerCsrfTokenRepository), or keep the application stateless", true);
		}
	}

	/**
	 * The same manager, with the same store and session id resolver, that also looks at each
	 * session it hands out once the response is about to be sent, after the session is saved.
	 */
	private final class Noticing extends DefaultWebSessionManager {

		Noticing(DefaultWebSessionManager manager) {
			setSessionStore(manager.getSessionStore());
			setSessionIdResolver(manager.getSessionIdResolver());
		}

		@Override
		public Mono<WebSession> getSession(ServerWebExchange exchange) {
			return super.getSession(exchange).doOnNext((session) -> exchange.getResponse().beforeCommit(() -> {
				sessionSaved(session);
				return Mono.empty();
			}));
		}

	}

}
