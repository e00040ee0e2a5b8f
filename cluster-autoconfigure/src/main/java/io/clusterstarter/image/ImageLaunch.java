package io.clusterstarter.image;

import java.nio.file.Path;
import java.util.List;

/**
 * What a worker image changes in a worker's command line: the jar it runs and the options that
 * make the JVM map the class-data cache (or, for the training run, write it).
 *
 * @param jar the extracted application jar to run with {@code -jar}, or {@code null} to keep
 * the primary's own launch (class-path launches, which already run from plain jars)
 * @param jvmOptions JVM options added after the worker's own
 * @param programArgs program arguments added after the worker's own
 * @param cacheFile the class-data cache the JVM maps or writes
 * @author cluster-spring-boot-starter
 */
public record ImageLaunch(String jar, List<String> jvmOptions, List<String> programArgs, Path cacheFile) {

	public ImageLaunch {
		jvmOptions = List.copyOf(jvmOptions);
		programArgs = List.copyOf(programArgs);
	}

}
