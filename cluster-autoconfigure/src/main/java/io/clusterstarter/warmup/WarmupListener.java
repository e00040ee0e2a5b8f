package io.clusterstarter.warmup;

import java.io.IOException;

import org.springframework.boot.web.server.WebServer;
import org.springframework.context.ApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * A listener on a private loopback port that the worker's own web server serves, in the same
 * server, through the same request handling (servlet container or reactive handler, filters,
 * security, controllers) as the shared port, for the warm-up's requests only. It binds
 * {@code 127.0.0.1} on a port the kernel picks and is closed once the warm-up ends.
 *
 * @author cluster-spring-boot-starter
 */
interface WarmupListener extends AutoCloseable {

	/**
	 * Return the loopback port the listener is bound to.
	 * @return the port
	 */
	int port();

	/**
	 * Stop listening and close the warm-up's connections.
	 */
	@Override
	void close();

	/**
	 * Open a listener on the application's web server.
	 * @param server the application's web server
	 * @param context the application's context
	 * @return the listener, listening
	 * @throws IOException if it cannot be opened
	 * @throws IllegalStateException if the server is not one the warm-up knows
	 */
	static WarmupListener open(WebServer server, ApplicationContext context) throws IOException {
		ClassLoader classLoader = context.getClassLoader();
		if (isInstance("org.springframework.boot.tomcat.TomcatWebServer", server, classLoader)) {
			return TomcatWarmupListener.open(server);
		}
		if (isInstance("org.springframework.boot.jetty.JettyWebServer", server, classLoader)) {
			return JettyWarmupListener.open(server);
		}
		if (isInstance("org.springframework.boot.reactor.netty.NettyWebServer", server, classLoader)) {
			return NettyWarmupListener.open(context);
		}
		throw new IllegalStateException("the warm-up does not know the web server " + server.getClass().getName());
	}

	private static boolean isInstance(String className, Object object, ClassLoader classLoader) {
		return ClassUtils.isPresent(className, classLoader)
				&& ClassUtils.resolveClassName(className, classLoader).isInstance(object);
	}

}
