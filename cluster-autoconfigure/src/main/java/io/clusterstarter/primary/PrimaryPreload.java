package io.clusterstarter.primary;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Loads, soon after the primary starts, the classes it may need only late: for a deploy, a
 * rollback, an error's stack trace or its own shutdown. The primary runs from the application's
 * jar, and a build that overwrites that jar in place (what {@code mvn package} does) makes every
 * class not loaded yet "not found": the JDK and Spring Boot's loader keep reading the old file's
 * offsets in the new content. Classes already loaded are safe. The list,
 * {@value #LIST}, names packages ({@code a.b.*}, or {@code a.b.**} with their subpackages) and
 * classes: those the primary of a cluster loads over a whole life, with its deploys and
 * shutdown, recorded from a real run. A class the application does not have is skipped.
 *
 * @author cluster-spring-boot-starter
 */
final class PrimaryPreload {

	private static final Log logger = LogFactory.getLog(PrimaryPreload.class);

	/** The list of packages and classes to load. */
	static final String LIST = "META-INF/cluster-spring-boot/primary-classes.txt";

	private PrimaryPreload() {
	}

	/**
	 * Load the listed classes on a thread of its own, at the lowest priority, while the first
	 * workers start.
	 * @param loader the application's class loader
	 */
	static void inBackground(ClassLoader loader) {
		Thread thread = new Thread(() -> {
			long start = System.nanoTime();
			int loaded = load(loader);
			logger.debug("Loaded " + loaded + " classes the primary may need late, in "
					+ (System.nanoTime() - start) / 1_000_000 + " ms");
		}, "cluster-preload");
		thread.setDaemon(true);
		thread.setPriority(Thread.MIN_PRIORITY);
		thread.start();
	}

	/**
	 * Load the listed classes now.
	 * @param loader the application's class loader
	 * @return how many were loaded
	 */
	static int load(ClassLoader loader) {
		int loaded = 0;
		for (String entry : entries(loader)) {
			List<String> names = entry.endsWith(".*") ? classesIn(loader, entry.substring(0, entry.length() - 2), false)
					: entry.endsWith(".**") ? classesIn(loader, entry.substring(0, entry.length() - 3), true)
							: List.of(entry);
			for (String name : names) {
				try {
					// Loaded, not initialised: no static initialiser runs before its time
					Class.forName(name, false, loader);
					loaded++;
				}
				catch (ClassNotFoundException | LinkageError ex) {
					// Not in this application (an optional library), or it needs one that is not
				}
			}
		}
		return loaded;
	}

	private static List<String> entries(ClassLoader loader) {
		List<String> entries = new ArrayList<>();
		try (InputStream in = loader.getResourceAsStream(LIST)) {
			if (in == null) {
				return entries;
			}
			BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
			for (String line = reader.readLine(); line != null; line = reader.readLine()) {
				String entry = line.strip();
				if (!entry.isEmpty() && !entry.startsWith("#")) {
					entries.add(entry);
				}
			}
		}
		catch (IOException ex) {
			logger.debug("Could not read " + LIST, ex);
		}
		return entries;
	}

	/**
	 * The classes of a package, found in every jar and directory of the class path.
	 */
	private static List<String> classesIn(ClassLoader loader, String packageName, boolean subpackages) {
		String path = packageName.replace('.', '/') + "/";
		List<String> names = new ArrayList<>();
		try {
			Resource[] resources = new PathMatchingResourcePatternResolver(loader)
				.getResources("classpath*:" + path + (subpackages ? "**/" : "") + "*.class");
			for (Resource resource : resources) {
				String url = resource.getURL().toString();
				int start = url.lastIndexOf(path);
				if (start < 0) {
					continue;
				}
				String name = url.substring(start, url.length() - ".class".length()).replace('/', '.');
				if (!name.endsWith("package-info") && !name.endsWith("module-info")) {
					names.add(name);
				}
			}
		}
		catch (IOException ex) {
			logger.debug("Could not list the classes of " + packageName, ex);
		}
		return names;
	}

}
