package io.clusterstarter.worker;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Tells the primary when a web server in this worker is bound: the application's server and, on
 * its own port, the management server.
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
		this.runtime.listening(namespace, address, event.getWebServer().getPort());
	}

}
