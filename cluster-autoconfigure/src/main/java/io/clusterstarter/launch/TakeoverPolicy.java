package io.clusterstarter.launch;

import java.lang.management.ManagementFactory;
import java.util.List;

import org.springframework.core.NativeDetector;

/**
 * Decides when an application run must not become a primary even though the starter is present,
 * and says why. Each rule protects a run in which forking would be wrong: a test, a build-time
 * step, or a restart loop that another tool owns.
 *
 * @author cluster-spring-boot-starter
 */
final class TakeoverPolicy {

	private static final List<String> TEST_FRAMEWORK_PACKAGES = List.of("org.junit.", "org.testng.",
			"org.springframework.boot.test.", "org.springframework.test.", "io.cucumber.", "cucumber.runtime.");

	private TakeoverPolicy() {
	}

	/**
	 * Return why this run stays unclustered, or {@code null} if it may become the primary.
	 * @return the reason, or {@code null}
	 */
	static String reasonToRunPlainly() {
		if (Boolean.getBoolean("spring.aot.processing")) {
			return "AOT processing is running";
		}
		if (NativeDetector.inNativeImage()) {
			return "this is a native image, which cannot be forked as a JVM";
		}
		if (System.getProperty("spring.context.exit") != null || isCdsTrainingRun()) {
			return "this is a CDS or AOT cache training run";
		}
		if (isDevToolsRestart()) {
			return "DevTools' restarter runs the application; set spring.devtools.restart.enabled=false to cluster it";
		}
		if (isUnderTestFramework()) {
			return "a test framework runs the application";
		}
		return null;
	}

	private static boolean isCdsTrainingRun() {
		return ManagementFactory.getRuntimeMXBean()
			.getInputArguments()
			.stream()
			.anyMatch((argument) -> argument.startsWith("-XX:ArchiveClassesAtExit")
					|| argument.startsWith("-XX:AOTCacheOutput") || argument.equals("-XX:AOTMode=record"));
	}

	private static boolean isDevToolsRestart() {
		Thread thread = Thread.currentThread();
		ClassLoader loader = thread.getContextClassLoader();
		return "restartedMain".equals(thread.getName())
				|| (loader != null && loader.getClass().getName().endsWith(".RestartClassLoader"));
	}

	static boolean isUnderTestFramework() {
		for (StackTraceElement element : Thread.currentThread().getStackTrace()) {
			for (String prefix : TEST_FRAMEWORK_PACKAGES) {
				if (element.getClassName().startsWith(prefix)) {
					return true;
				}
			}
		}
		return false;
	}

}
