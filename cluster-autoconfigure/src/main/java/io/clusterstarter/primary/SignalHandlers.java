package io.clusterstarter.primary;

import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

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

	/**
	 * Handle SIGTERM and SIGINT with {@code stop}, and SIGHUP with {@code reload}.
	 */
	static void install(Consumer<String> stop, Runnable reload) {
		for (String name : new String[] { "TERM", "INT" }) {
			handle(name, (signal) -> stop.accept("SIG" + signal.getName()));
		}
		handle("HUP", (signal) -> reload.run());
	}

	private static void handle(String name, SignalHandler handler) {
		try {
			Signal.handle(new Signal(name), handler);
		}
		catch (IllegalArgumentException ex) {
			// The JVM owns this signal (-Xrs, or a debugger): shutdown hooks still stop the workers
			logger.debug("Cannot handle SIG" + name + ": " + ex.getMessage());
		}
	}

}
