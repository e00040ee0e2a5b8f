package io.clusterstarter.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The file in which the test applications' primary writes every cluster event, one line each
 * ({@code fork 3}, {@code listening 3 port=… namespace=null}, {@code exit 3 code=0 …}).
 */
final class ClusterEvents implements AutoCloseable {

	private final Path file;

	private ClusterEvents(Path file) {
		this.file = file;
	}

	static ClusterEvents create() throws IOException {
		return new ClusterEvents(Files.createTempFile("cluster-events", ".txt"));
	}

	/** The program argument that tells the primary to write here. */
	String argument() {
		return "--cluster-test.events-file=" + this.file;
	}

	/** Every event so far, as written. */
	List<String> lines() throws IOException {
		return Files.readAllLines(this.file);
	}

	/** Every event so far, with "listening 4 port=… namespace=null" as "listening 4". */
	List<String> brief() throws IOException {
		return lines().stream().map(ClusterEvents::brief).toList();
	}

	/** Remove the file: tests leave nothing behind. */
	@Override
	public void close() throws IOException {
		Files.deleteIfExists(this.file);
	}

	private static String brief(String line) {
		return line.startsWith("listening ") ? line.substring(0, line.indexOf(' ', "listening ".length())) : line;
	}

}
