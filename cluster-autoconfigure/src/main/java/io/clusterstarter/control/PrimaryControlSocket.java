package io.clusterstarter.control;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import io.clusterstarter.autoconfigure.ClusterConfigurationException;
import io.clusterstarter.autoconfigure.ClusterProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.env.Environment;

/**
 * Where and under which name a primary opens its control socket: in
 * {@code cluster.control.directory}, named {@code cluster.control.name} or after the
 * application and its port, described so that the command line can pick it. A socket that
 * cannot be opened stops the primary before anything is forked, with the reason and what to
 * change.
 *
 * @author cluster-spring-boot-starter
 */
public final class PrimaryControlSocket {

	private static final Log logger = LogFactory.getLog(PrimaryControlSocket.class);

	private PrimaryControlSocket() {
	}

	/**
	 * Open the control socket, unless {@code cluster.control.enabled=false}.
	 * @param properties the cluster properties
	 * @param environment the application's environment
	 * @param mainClass the application's main class, or {@code null}
	 * @param port the port the workers share, or {@code null}
	 * @param commands what runs the commands, given the cluster's name
	 * @param jar the jar the primary was launched from, or {@code null}
	 * @return the server, or {@code null} when disabled
	 * @throws ClusterConfigurationException if it cannot be opened
	 */
	public static ControlServer open(ClusterProperties properties, Environment environment, Class<?> mainClass, Integer port,
			Function<String, ControlServer.Handler> commands, Path jar) {
		return open(properties, environment, mainClass, port, commands, jar, null);
	}

	/**
	 * Open the control socket, unless {@code cluster.control.enabled=false}, under the name of
	 * the primary this one takes over from in an upgrade.
	 * @param properties the cluster properties
	 * @param environment the application's environment
	 * @param mainClass the application's main class, or {@code null}
	 * @param port the port the workers share, or {@code null}
	 * @param commands what runs the commands, given the cluster's name
	 * @param jar the jar the primary was launched from, or {@code null}
	 * @param takenOver the old primary's name for the cluster, or {@code null} to choose one
	 * @return the server, or {@code null} when disabled
	 * @throws ClusterConfigurationException if it cannot be opened
	 */
	public static ControlServer open(ClusterProperties properties, Environment environment, Class<?> mainClass,
			Integer port, Function<String, ControlServer.Handler> commands, Path jar, String takenOver) {
		ClusterProperties.Control control = properties.getControl();
		if (!control.isEnabled()) {
			return null;
		}
		ControlDirectory directory = (control.getDirectory() != null)
				? new ControlDirectory(Path.of("").toAbsolutePath().resolve(control.getDirectory()))
				: ControlDirectory.byDefault(System.getenv());
		String applicationName = environment.getProperty("spring.application.name");
		String name = (takenOver != null) ? takenOver
				: (control.getName() != null) ? control.getName() : name(applicationName, port);
		Map<String, String> description = new LinkedHashMap<>();
		description.put("start-class", (mainClass != null) ? mainClass.getName() : null);
		description.put("jar", (jar != null) ? jar.toString() : null);
		description.put("port", (port != null) ? String.valueOf(port) : null);
		description.put("application", applicationName);
		String pidFile = environment.getProperty("spring.pid.file");
		Path extraPidFile = (pidFile != null) ? Path.of(pidFile) : null;
		try {
			try {
				return ControlServer.open(directory, name, description, extraPidFile, commands.apply(name));
			}
			catch (ControlServer.InUseException ex) {
				if (takenOver != null || control.getName() != null || port != null) {
					throw ex;
				}
				// Two clusters of one application without a port may run side by side: the second by its pid
				String byPid = name + "-" + ProcessHandle.current().pid();
				logger.info("Another cluster of this application has the control socket '" + name + "'; this one is '"
						+ byPid + "' (set 'cluster.control.name' to choose)");
				return ControlServer.open(directory, byPid, description, extraPidFile, commands.apply(byPid));
			}
		}
		catch (IOException ex) {
			throw new ClusterConfigurationException(
					"Could not open the control socket '" + name + "' in " + directory.path() + ": " + ex.getMessage(),
					"Set 'cluster.control.directory' to a short path (a socket's path may have at most 107 bytes) that "
							+ "only this user may enter (mode 0700), set 'cluster.control.name' when another cluster "
							+ "of this application runs, or set 'cluster.control.enabled=false'.");
		}
	}

	/**
	 * The default name of a cluster on the control socket: the application's name (else
	 * {@code application}) and its port, such as {@code shop-8080}.
	 */
	static String name(String applicationName, Integer port) {
		String base = (applicationName != null && !applicationName.isBlank())
				? applicationName.trim().replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("^[._-]+", "") : "";
		if (base.isEmpty()) {
			base = "application";
		}
		base = base.substring(0, Math.min(base.length(), 50));
		return (port != null) ? base + "-" + port : base;
	}

}
