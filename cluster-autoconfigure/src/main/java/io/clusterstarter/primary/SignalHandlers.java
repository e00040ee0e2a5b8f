package io.clusterstarter.primary;

import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import sun.misc.Signal;

/**
 * Handles SIGTERM and SIGINT in the primary itself instead of through shutdown hooks, so that the
 * primary can stop its workers gracefully and then exit with status 0, and can tell a second
 * Ctrl-C from the first.
 *
 * @author cluster-spring-boot-starter
 */
final class SignalHandlers {

	private static final Log logger = LogFactory.getLog(SignalHandlers.class);

	private SignalHandlers() {
	}

	static void install(Consumer<String> handler) {
		for (String name : new String[] { "TERM", "INT" }) {
			try {
				Signal.handle(new Signal(name), (signal) -> handler.accept("SIG" + signal.getName()));
			}
			catch (IllegalArgumentException ex) {
				// The JVM owns this signal (-Xrs, or a debugger): shutdown hooks still stop the workers
				logger.debug("Cannot handle SIG" + name + ": " + ex.getMessage());
			}
		}
	}

}
