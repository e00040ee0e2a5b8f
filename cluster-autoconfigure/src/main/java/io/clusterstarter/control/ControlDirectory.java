package io.clusterstarter.control;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.clusterstarter.image.PrivateDirectory;

/**
 * Where primaries keep their control sockets, found the same way by the primary and by the
 * command line, so that a cluster is reached without knowing its pid: {@code NAME.sock}, the
 * socket; {@code NAME.properties}, what the command line needs to pick a cluster (pid, main
 * class, jar, port); and {@code NAME.pid}, the primary's pid for scripts and systemd.
 *
 * @author cluster-spring-boot-starter
 */
public final class ControlDirectory {

	/** The environment variable that names the directory for the primary and the client. */
	public static final String ENVIRONMENT_VARIABLE = "CLUSTER_CONTROL_DIRECTORY";

	private final Path path;

	/**
	 * Use a directory.
	 * @param path the directory
	 */
	public ControlDirectory(Path path) {
		this.path = path.toAbsolutePath().normalize();
	}

	/**
	 * Return the default directory: {@code $CLUSTER_CONTROL_DIRECTORY}, else
	 * {@code cluster-spring-boot-USER/control} in the temporary directory.
	 * @param environment the environment variables
	 * @return the directory
	 */
	public static ControlDirectory byDefault(Map<String, String> environment) {
		String named = environment.get(ENVIRONMENT_VARIABLE);
		if (named != null && !named.isBlank()) {
			return new ControlDirectory(Path.of(named));
		}
		return new ControlDirectory(PrivateDirectory.inTemporaryDirectory().resolve("control"));
	}

	/**
	 * Return the directory.
	 * @return the directory, absolute
	 */
	public Path path() {
		return this.path;
	}

	/**
	 * Return a cluster's socket.
	 * @param name the cluster's name
	 * @return the socket's path
	 */
	public Path socket(String name) {
		return this.path.resolve(name + ".sock");
	}

	/**
	 * Return a cluster's description.
	 * @param name the cluster's name
	 * @return the description's path
	 */
	public Path description(String name) {
		return this.path.resolve(name + ".properties");
	}

	/**
	 * Return a cluster's pid file.
	 * @param name the cluster's name
	 * @return the pid file's path
	 */
	public Path pidFile(String name) {
		return this.path.resolve(name + ".pid");
	}

	/**
	 * Return the clusters described in the directory whose primary still runs, by name.
	 * @return the clusters; empty when the directory does not exist
	 * @throws IOException if the directory cannot be read
	 */
	public List<Entry> running() throws IOException {
		List<Entry> entries = new ArrayList<>();
		for (Entry entry : described()) {
			if (entry.isRunning() && Files.exists(entry.socket())) {
				entries.add(entry);
			}
		}
		return entries;
	}

	/**
	 * Remove what primaries that are gone (killed with SIGKILL, say) left behind: their
	 * description, socket and pid file.
	 * @throws IOException if the directory cannot be read
	 */
	public void removeLeftovers() throws IOException {
		for (Entry entry : described()) {
			if (!entry.isRunning()) {
				Files.deleteIfExists(socket(entry.name()));
				Files.deleteIfExists(pidFile(entry.name()));
				Files.deleteIfExists(description(entry.name()));
			}
		}
	}

	private List<Entry> described() throws IOException {
		List<Entry> entries = new ArrayList<>();
		try (DirectoryStream<Path> files = Files.newDirectoryStream(this.path, "*.properties")) {
			for (Path file : files) {
				Entry entry = read(file);
				if (entry != null) {
					entries.add(entry);
				}
			}
		}
		catch (NoSuchFileException ex) {
			return List.of();
		}
		entries.sort(Comparator.comparing(Entry::name));
		return entries;
	}

	private Entry read(Path file) {
		Properties properties = new Properties();
		try (InputStream in = Files.newInputStream(file)) {
			properties.load(in);
			String name = file.getFileName().toString().replaceFirst("\\.properties$", "");
			return new Entry(name, Long.parseLong(properties.getProperty("pid", "-1")),
					properties.getProperty("start-class"), properties.getProperty("jar"),
					properties.getProperty("port"), socket(name));
		}
		catch (IOException | NumberFormatException ex) {
			return null; // being written, or not ours: not a cluster to offer
		}
	}

	/**
	 * A running cluster, as its primary described it.
	 * @param name its name
	 * @param pid the primary's pid
	 * @param startClass the application's main class, or {@code null}
	 * @param jar the jar the primary was launched from, or {@code null}
	 * @param port the port its workers share, or {@code null}
	 * @param socket its control socket
	 */
	public record Entry(String name, long pid, String startClass, String jar, String port, Path socket) {

		/**
		 * Return whether the primary's process still runs.
		 * @return whether it runs
		 */
		public boolean isRunning() {
			return ProcessHandle.of(this.pid).map(ProcessHandle::isAlive).orElse(false);
		}

	}

}
