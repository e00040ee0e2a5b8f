package io.clusterstarter.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.ipc.IpcProtocol;

/**
 * The checks a new release passes before anything is touched: it is the same application
 * (unless allowed otherwise), built for a Java no newer than the one the cluster runs, and its
 * starter can join: for a deploy, it speaks the primary's IPC protocol; for an upgrade of the
 * primary, its primary takes the hand-over this one makes. Each refusal names what was found
 * and what was expected.
 *
 * @author cluster-spring-boot-starter
 */
public final class DeployPreflight {

	private DeployPreflight() {
	}

	/**
	 * Check that an artifact is a file this primary can read, before it is opened.
	 * @param artifact the artifact, absolute
	 * @throws DeployRefusedException if it is missing, not a regular file, or not readable
	 */
	public static void checkFile(Path artifact) {
		if (!Files.exists(artifact)) {
			throw new DeployRefusedException(artifact + " does not exist", false);
		}
		if (!Files.isRegularFile(artifact)) {
			throw new DeployRefusedException(artifact + " is not a regular file", false);
		}
		if (!Files.isReadable(artifact)) {
			throw new DeployRefusedException(artifact + " is not readable by this user", false);
		}
	}

	/**
	 * Check a release to deploy against the one running.
	 * @param candidate the release to deploy
	 * @param current the release the cluster runs, or {@code null} when it was not launched
	 * from an executable jar
	 * @param properties the deploy properties
	 * @throws DeployRefusedException if the release cannot run in this cluster
	 */
	public static void check(ReleaseArtifact candidate, ReleaseArtifact current, ClusterProperties.Deploy properties) {
		checkJava(candidate, "the workers run");
		checkStarter(candidate);
		if (candidate.ipcProtocol() != IpcProtocol.VERSION) {
			throw DeployRefusedException.conflict(candidate.path() + " contains a starter that speaks IPC protocol "
					+ candidate.ipcProtocol() + ((candidate.ipcProtocol() == 0) ? " (a starter older than protocol versions)" : "")
					+ "; this primary speaks IPC protocol " + IpcProtocol.VERSION
					+ ". Build the release with the primary's starter version, or upgrade the primary to it "
					+ "('upgrade' instead of 'deploy')");
		}
		checkStartClass(candidate, current, properties);
	}

	/**
	 * Check a release to upgrade the primary to. Its IPC protocol may differ from this
	 * primary's: its own primary forks its workers.
	 * @param candidate the release whose primary takes over
	 * @param current the release the cluster runs
	 * @param properties the deploy properties
	 * @throws DeployRefusedException if its primary could not take over
	 */
	public static void checkUpgrade(ReleaseArtifact candidate, ReleaseArtifact current,
			ClusterProperties.Deploy properties) {
		checkJava(candidate, "the primary runs");
		checkStarter(candidate);
		if (candidate.upgradeProtocol() != IpcProtocol.UPGRADE_VERSION) {
			throw DeployRefusedException.conflict(candidate.path() + " contains a starter "
					+ ((candidate.upgradeProtocol() == 0)
							? "older than upgrades: its primary could not take over the port"
							: "that takes hand-over version " + candidate.upgradeProtocol())
					+ "; this primary hands over with version " + IpcProtocol.UPGRADE_VERSION
					+ ". Restart the service to move to that starter (its port refuses connections meanwhile)");
		}
		checkStartClass(candidate, current, properties);
	}

	private static void checkJava(ReleaseArtifact candidate, String runs) {
		int java = Runtime.version().feature();
		if (candidate.javaVersion() > java) {
			throw DeployRefusedException.conflict(candidate.path() + " is built for Java " + candidate.javaVersion()
					+ " (class file version " + (candidate.javaVersion() + 44) + " of " + candidate.startClass()
					+ "); " + runs + " Java " + java + " (" + System.getProperty("java.home")
					+ "). Build it for Java " + java + " or older, or restart the cluster on a newer JVM");
		}
	}

	private static void checkStarter(ReleaseArtifact candidate) {
		if (candidate.ipcProtocol() == null) {
			throw DeployRefusedException.conflict(candidate.path() + " does not contain cluster-spring-boot-starter: "
					+ "its workers could not join the cluster. Add the starter to the application");
		}
	}

	private static void checkStartClass(ReleaseArtifact candidate, ReleaseArtifact current,
			ClusterProperties.Deploy properties) {
		if (current != null && properties.isRequireSameStartClass()
				&& !candidate.startClass().equals(current.startClass())) {
			throw DeployRefusedException.conflict(candidate.path() + " is another application: it starts "
					+ candidate.startClass() + ", this cluster runs " + current.startClass()
					+ ". Deploy a build of " + current.startClass()
					+ ", or set cluster.deploy.require-same-start-class=false if the main class was renamed");
		}
	}

}
