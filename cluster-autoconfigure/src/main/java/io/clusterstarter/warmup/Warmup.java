package io.clusterstarter.warmup;

import java.util.function.Consumer;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.autoconfigure.ClusterProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

/**
 * Runs a worker's warm-up ({@code cluster.warmup}) once its application is ready and before it
 * takes connections: opens the private loopback listener on the application's web server, sends
 * the rounds ({@link WarmupRounds}), closes the listener, and only then lets the worker serve.
 * It runs on a thread of its own, so that the application's start returns as usual. Whatever
 * goes wrong (no web server, a listener that does not open, failing requests, the time-out)
 * is logged, and the worker serves anyway: a warm-up makes a worker faster, it never keeps one
 * out.
 *
 * @author cluster-spring-boot-starter
 */
public final class Warmup {

	private static final Log logger = LogFactory.getLog(Warmup.class);

	private static final String WEB_SERVER_CONTEXT = "org.springframework.boot.web.server.context.WebServerApplicationContext";

	private Warmup() {
	}

	/**
	 * Return the warm-up an application is configured with.
	 * @param context the application's context
	 * @return its {@code cluster.warmup} properties
	 */
	public static ClusterProperties.Warmup properties(ConfigurableApplicationContext context) {
		return Binder.get(context.getEnvironment()).bindOrCreate("cluster.warmup", ClusterProperties.Warmup.class);
	}

	/**
	 * Warm the application up on a thread of its own, then run what follows.
	 * @param context the application's context, ready
	 * @param properties the warm-up's properties, with requests
	 * @param progress told where the warm-up is: as it starts, about once a second, and as it ends
	 * @param then what runs once the warm-up has ended, whichever way
	 */
	public static void start(ConfigurableApplicationContext context, ClusterProperties.Warmup properties,
			Consumer<ClusterSnapshot.Warmup> progress, Runnable then) {
		WebServer server = webServer(context);
		if (server == null) {
			logger.warn("cluster.warmup.requests are set, but this application has no web server to warm up; skipped");
			then.run();
			return;
		}
		Thread thread = new Thread(() -> {
			try {
				run(server, context, properties, progress);
			}
			finally {
				then.run();
			}
		}, "cluster-warmup");
		thread.setDaemon(true);
		thread.start();
	}

	private static void run(WebServer server, ConfigurableApplicationContext context,
			ClusterProperties.Warmup properties, Consumer<ClusterSnapshot.Warmup> progress) {
		WarmupListener listener;
		try {
			listener = WarmupListener.open(server, context);
		}
		catch (Exception ex) {
			logger.warn("Could not warm up: " + ex.getMessage() + "; going on without the warm-up");
			return;
		}
		WarmupTraffic.started(listener.port());
		try {
			logger.info("Warming up: " + describe(properties) + " to the application's own server on 127.0.0.1:"
					+ listener.port() + " (cluster.warmup)");
			progress.accept(new ClusterSnapshot.Warmup(ClusterSnapshot.Warmup.RUNNING, 0, 0, 0, 0));
			ClusterSnapshot.Warmup end = new WarmupRounds(properties, listener.port()).run(progress);
			if (ClusterSnapshot.Warmup.TIMED_OUT.equals(end.state())) {
				logger.warn("Warm-up stopped at its time-out (cluster.warmup.timeout=" + properties.getTimeout() + "): "
						+ end.describe());
			}
			else {
				logger.info("Warmed up: " + end.describe());
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			logger.warn("The warm-up failed: " + ex.getMessage() + "; going on without the rest of it", ex);
		}
		finally {
			listener.close();
			WarmupTraffic.ended();
		}
	}

	private static String describe(ClusterProperties.Warmup properties) {
		int count = properties.getRequests().size();
		String what = count + " request" + ((count != 1) ? "s" : "");
		String rounds = (properties.getDuration() != null) ? "rounds of " + what + " for " + properties.getDuration()
				: properties.getIterations() + " rounds of " + what;
		return rounds + ", " + properties.getConcurrency() + " at a time";
	}

	private static WebServer webServer(ConfigurableApplicationContext context) {
		if (!ClassUtils.isPresent(WEB_SERVER_CONTEXT, context.getClassLoader())) {
			return null;
		}
		return (context instanceof WebServerApplicationContext web) ? web.getWebServer() : null;
	}

}
