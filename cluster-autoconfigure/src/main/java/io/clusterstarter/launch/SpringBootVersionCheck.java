package io.clusterstarter.launch;

import io.clusterstarter.autoconfigure.ClusterConfigurationException;

import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Refuses to start on a Spring Boot release outside the range this starter is built and tested
 * for, with Spring Boot's failure report naming both versions, before anything else of the
 * starter runs. On another release the starter would fail later and worse: a missing method
 * in a worker's health endpoint answers 500, and on Spring Boot 3 nothing of the cluster runs
 * at all. Registered as a plain application listener, and written against the API that Spring
 * Boot 3 and 4 share, so that it runs, and reports, on both.
 * {@code cluster.compatibility-verifier.enabled=false} turns it off, for a release newer than
 * the range that you have tried yourself.
 *
 * @author cluster-spring-boot-starter
 */
public class SpringBootVersionCheck implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

	/** The oldest supported release. */
	static final String OLDEST = "4.0.0";

	/** The first release no longer supported: the next minor after the newest tested one. */
	static final String FIRST_UNSUPPORTED = "4.2.0";

	/** The supported releases, as the report and the README name them. */
	static final String RANGE = "4.0.x and 4.1.x";

	static final String ENABLED_PROPERTY = "cluster.compatibility-verifier.enabled";

	/**
	 * Right after logging is initialised, so that the report is logged the application's way.
	 */
	@Override
	public int getOrder() {
		return LoggingApplicationListener.DEFAULT_ORDER + 1;
	}

	@Override
	public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
		check(SpringBootVersion.getVersion(), event.getEnvironment());
	}

	/**
	 * Refuse a Spring Boot release outside the supported range.
	 * @param version the Spring Boot release the application runs on, or {@code null} when it
	 * cannot be told (a repackaged Spring Boot without its manifest), which passes
	 * @param environment the application's environment
	 * @throws ClusterConfigurationException if the release is outside the range
	 */
	static void check(String version, Environment environment) {
		if (version == null || !environment.getProperty(ENABLED_PROPERTY, Boolean.class, true)) {
			return;
		}
		if (compare(version, OLDEST) >= 0 && compare(version, FIRST_UNSUPPORTED) < 0) {
			return;
		}
		throw new ClusterConfigurationException(
				"This application runs on Spring Boot " + version + ", but cluster-spring-boot-starter "
						+ starterVersion() + " supports Spring Boot " + RANGE + " only (from " + OLDEST
						+ ", before " + FIRST_UNSUPPORTED + ").",
				(compare(version, OLDEST) < 0)
						? "Upgrade the application to Spring Boot 4.0 or 4.1, or remove cluster-spring-boot-starter."
						: "Use a cluster-spring-boot-starter release that supports Spring Boot " + version
								+ ", or set '" + ENABLED_PROPERTY + "=false' to run on it untested.");
	}

	/**
	 * Compare two release numbers by their numeric parts ({@code 4.0.10} after {@code 4.0.9});
	 * a qualifier ({@code -M1}, {@code -SNAPSHOT}) counts as its release.
	 */
	static int compare(String left, String right) {
		int[] a = numbers(left);
		int[] b = numbers(right);
		for (int i = 0; i < 3; i++) {
			if (a[i] != b[i]) {
				return Integer.compare(a[i], b[i]);
			}
		}
		return 0;
	}

	private static int[] numbers(String version) {
		int[] numbers = new int[3];
		String[] parts = version.split("[.-]");
		for (int i = 0; i < 3 && i < parts.length; i++) {
			try {
				numbers[i] = Integer.parseInt(parts[i]);
			}
			catch (NumberFormatException ex) {
				break;
			}
		}
		return numbers;
	}

	private static String starterVersion() {
		String version = SpringBootVersionCheck.class.getPackage().getImplementationVersion();
		return (version != null) ? version : "(development build)";
	}

}
