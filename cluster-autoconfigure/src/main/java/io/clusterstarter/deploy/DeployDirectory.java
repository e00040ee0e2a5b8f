package io.clusterstarter.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the cluster endpoint may deploy from: only files in {@code cluster.deploy.directory},
 * named without {@code ..} and still inside it once every symlink is resolved. A write endpoint
 * must never start an arbitrary jar.
 *
 * @author cluster-spring-boot-starter
 */
public final class DeployDirectory {

	private DeployDirectory() {
	}

	/**
	 * Resolve an artifact named through the endpoint.
	 * @param directory the deploy directory, absolute, or {@code null} when none is set
	 * @param artifact the artifact, relative to the directory or absolute
	 * @return the file, symlinks resolved, so that what is checked is what is copied
	 * @throws DeployRefusedException if no directory is set, or the artifact is not a file in it
	 */
	public static Path resolve(Path directory, String artifact) {
		if (directory == null) {
			throw DeployRefusedException.conflict("Deploys through the cluster endpoint are off: set "
					+ "cluster.deploy.directory to the directory releases are put in");
		}
		Path named;
		try {
			named = Path.of(artifact.strip());
		}
		catch (InvalidPathException ex) {
			throw DeployRefusedException.badArtifact("'" + artifact + "' is not a path: " + ex.getMessage());
		}
		for (Path element : named) {
			if (element.toString().equals("..")) {
				throw DeployRefusedException.badArtifact("'" + artifact + "' must not contain '..': name a file in "
						+ "cluster.deploy.directory (" + directory + ")");
			}
		}
		Path candidate = directory.resolve(named).normalize();
		Path realDirectory;
		try {
			realDirectory = directory.toRealPath();
		}
		catch (IOException ex) {
			throw DeployRefusedException.conflict("cluster.deploy.directory (" + directory + ") cannot be used: " + ex);
		}
		Path real;
		try {
			real = candidate.toRealPath();
		}
		catch (NoSuchFileException ex) {
			throw DeployRefusedException.badArtifact(candidate + " does not exist");
		}
		catch (IOException ex) {
			throw DeployRefusedException.badArtifact("Could not resolve " + candidate + ": " + ex.getMessage());
		}
		if (!real.startsWith(realDirectory)) {
			throw DeployRefusedException.badArtifact(candidate + " is outside cluster.deploy.directory (" + realDirectory
					+ (real.equals(candidate) ? ")" : ") once its symlinks are resolved (" + real + ")"));
		}
		return real;
	}

	/**
	 * Return the jars a person may choose to deploy: the directory's {@code .jar} files (not
	 * its subdirectories'), newest first.
	 * @param directory the deploy directory, or {@code null} when none is set
	 * @param limit how many at most
	 * @return their names, relative to the directory; empty without a directory
	 */
	public static List<String> jars(Path directory, int limit) {
		if (directory == null || !Files.isDirectory(directory)) {
			return List.of();
		}
		try (Stream<Path> files = Files.list(directory)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".jar") && Files.isRegularFile(file))
				.sorted(Comparator.comparing(DeployDirectory::modified).reversed())
				.limit(limit)
				.map((file) -> file.getFileName().toString())
				.toList();
		}
		catch (IOException | UncheckedIOException ex) {
			return List.of();
		}
	}

	private static FileTime modified(Path file) {
		try {
			return Files.getLastModifiedTime(file);
		}
		catch (IOException ex) {
			return FileTime.fromMillis(0);
		}
	}

}
