package io.clusterstarter.worker;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.clusterstarter.port.ListenGate;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Tells the primary when a web server in this worker listens: the application's server and, on
 * its own port, the management server. Reported once the worker is ready, when its listeners join
 * the port's group ({@link ListenGate}).
 *
 * @author cluster-spring-boot-starter
 */
final class WorkerWebServerListener implements ApplicationListener<WebServerInitializedEvent> {

	private final WorkerRuntime runtime;

	WorkerWebServerListener(WorkerRuntime runtime) {
		this.runtime = runtime;
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		String namespace = event.getApplicationContext().getServerNamespace();
		Environment environment = event.getApplicationContext().getEnvironment();
		String prefix = "management".equals(namespace) ? "management.server" : "server";
		// null means every address, as in Node's 'listening' event
		String address = environment.getProperty(prefix + ".address");
		int port = event.getWebServer().getPort();
		try {
			// Reported once the server listens for real: when the worker is ready
			ListenGate.whenOpen(() -> this.runtime.listening(namespace, address, port));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
