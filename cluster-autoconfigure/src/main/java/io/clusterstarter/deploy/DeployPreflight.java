package io.clusterstarter.deploy;

import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.ipc.IpcProtocol;

/**
 * The checks a new release passes before any worker is touched: it is the same application
 * (unless allowed otherwise), built for a Java no newer than the one the workers run, and its
 * starter speaks the primary's IPC protocol. Each refusal names what was found and what was
 * expected.
 *
 * @author cluster-spring-boot-starter
 */
public final class DeployPreflight {

	private DeployPreflight() {
	}

	/**
	 * Check a release against the one running.
	 * @param candidate the release to deploy
	 * @param current the release the cluster runs, or {@code null} when it was not launched
	 * from an executable jar
	 * @param properties the deploy properties
	 * @throws DeployRefusedException if the release cannot run in this cluster
	 */
	public static void check(ReleaseArtifact candidate, ReleaseArtifact current, ClusterProperties.Deploy properties) {
		int java = Runtime.version().feature();
		if (candidate.javaVersion() > java) {
			throw DeployRefusedException.conflict(candidate.path() + " is built for Java " + candidate.javaVersion()
					+ " (class file version " + (candidate.javaVersion() + 44) + " of " + candidate.startClass()
					+ "); the workers run Java " + java + " (" + System.getProperty("java.home")
					+ "). Build it for Java " + java + " or older, or restart the cluster on a newer JVM");
		}
		if (candidate.ipcProtocol() == null) {
			throw DeployRefusedException.conflict(candidate.path() + " does not contain cluster-spring-boot-starter: "
					+ "its workers could not join the cluster. Add the starter to the application");
		}
		if (candidate.ipcProtocol() != IpcProtocol.VERSION) {
			throw DeployRefusedException.conflict(candidate.path() + " contains a starter that speaks IPC protocol "
					+ candidate.ipcProtocol() + ((candidate.ipcProtocol() == 0) ? " (a starter older than protocol versions)" : "")
					+ "; this primary speaks IPC protocol " + IpcProtocol.VERSION
					+ ". Build the release with the primary's starter version, or restart the whole cluster on the new one");
		}
		if (current != null && properties.isRequireSameStartClass()
				&& !candidate.startClass().equals(current.startClass())) {
			throw DeployRefusedException.conflict(candidate.path() + " is another application: it starts "
					+ candidate.startClass() + ", this cluster runs " + current.startClass()
					+ ". Deploy a build of " + current.startClass()
					+ ", or set cluster.deploy.require-same-start-class=false if the main class was renamed");
		}
	}

}
