package io.clusterstarter.it;

import java.io.IOException;
import java.nio.file.Path;

import org.springframework.util.FileSystemUtils;

/**
 * A directory a test made, removed with everything in it (worker log files, marker files) when
 * the test ends, so that no test leaves files behind.
 *
 * @param path the directory
 */
record TemporaryDirectory(Path path) implements AutoCloseable {

	@Override
	public void close() throws IOException {
		FileSystemUtils.deleteRecursively(this.path);
	}

}
