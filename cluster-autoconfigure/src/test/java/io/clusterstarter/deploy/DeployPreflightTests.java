package io.clusterstarter.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.image.ReleaseStore;
import io.clusterstarter.ipc.IpcProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link DeployPreflight}: each refusal names what was found and what is expected.
 */
class DeployPreflightTests {

	@TempDir
	Path temp;

	private final ClusterProperties.Deploy properties = new ClusterProperties.Deploy();

	@Test
	void sameApplicationForThisJavaAndProtocolPasses() throws IOException {
		assertThatNoException().isThrownBy(() -> DeployPreflight.check(artifact(TestJars.executable(), "new.jar"),
				artifact(TestJars.executable(), "old.jar"), this.properties));
	}

	@Test
	void releaseBuiltForANewerJavaIsAConflict() throws IOException {
		int newer = Runtime.version().feature() + 1;
		assertThatExceptionOfType(DeployRefusedException.class)
			.isThrownBy(() -> DeployPreflight.check(artifact(TestJars.executable().javaVersion(newer), "new.jar"),
					current(), this.properties))
			.withMessageContaining("is built for Java " + newer + " (class file version " + (newer + 44))
			.withMessageContaining("the workers run Java " + Runtime.version().feature())
			.matches(DeployRefusedException::isConflict);
	}

	@Test
	void anotherProtocolIsRefusedNamingBothVersions() throws IOException {
		int other = IpcProtocol.VERSION + 98;
		assertThatExceptionOfType(DeployRefusedException.class)
			.isThrownBy(() -> DeployPreflight.check(artifact(TestJars.executable().protocol(other), "new.jar"),
					current(), this.properties))
			.withMessageContaining("speaks IPC protocol " + other + "; this primary speaks IPC protocol "
					+ IpcProtocol.VERSION);
		assertThatExceptionOfType(DeployRefusedException.class)
			.isThrownBy(() -> DeployPreflight.check(artifact(TestJars.executable().protocol(null), "old-starter.jar"),
					current(), this.properties))
			.withMessageContaining("speaks IPC protocol 0 (a starter older than protocol versions)");
	}

	@Test
	void releaseWithoutTheStarterIsRefused() throws IOException {
		assertThatExceptionOfType(DeployRefusedException.class)
			.isThrownBy(() -> DeployPreflight.check(artifact(TestJars.executable().withoutStarter(), "new.jar"),
					current(), this.properties))
			.withMessageContaining("does not contain cluster-spring-boot-starter");
	}

	@Test
	void anotherApplicationIsRefusedUnlessAllowed() throws IOException {
		ReleaseArtifact other = artifact(TestJars.executable().startClass("org.other.Shop"), "shop.jar");
		assertThatExceptionOfType(DeployRefusedException.class)
			.isThrownBy(() -> DeployPreflight.check(other, current(), this.properties))
			.withMessageContaining("is another application: it starts org.other.Shop, this cluster runs com.example.App")
			.withMessageContaining("cluster.deploy.require-same-start-class=false");
		this.properties.setRequireSameStartClass(false);
		assertThatNoException().isThrownBy(() -> DeployPreflight.check(other, current(), this.properties));
	}

	@Test
	void upgradeTakesAnotherIpcProtocolButNotAStarterWithoutTheHandOver() throws IOException {
		assertThatNoException().isThrownBy(() -> DeployPreflight.checkUpgrade(
				artifact(TestJars.executable().protocol(IpcProtocol.VERSION + 1), "new.jar"), current(), this.properties));
		assertThatExceptionOfType(DeployRefusedException.class)
			.isThrownBy(() -> DeployPreflight.checkUpgrade(artifact(TestJars.executable().upgrade(null), "old.jar"),
					current(), this.properties))
			.withMessageContaining("contains a starter older than upgrades: its primary could not take over the port")
			.withMessageContaining("Restart the service");
		assertThatExceptionOfType(DeployRefusedException.class)
			.isThrownBy(() -> DeployPreflight.checkUpgrade(
					artifact(TestJars.executable().upgrade(IpcProtocol.UPGRADE_VERSION + 1), "future.jar"), current(),
					this.properties))
			.withMessageContaining("takes hand-over version " + (IpcProtocol.UPGRADE_VERSION + 1)
					+ "; this primary hands over with version " + IpcProtocol.UPGRADE_VERSION);
	}

	@Test
	void upgradeRefusesANewerJavaAnotherApplicationAndNoStarter() throws IOException {
		int newer = Runtime.version().feature() + 1;
		assertThatExceptionOfType(DeployRefusedException.class)
			.isThrownBy(() -> DeployPreflight.checkUpgrade(artifact(TestJars.executable().javaVersion(newer), "new.jar"),
					current(), this.properties))
			.withMessageContaining("the primary runs Java " + Runtime.version().feature());
		assertThatExceptionOfType(DeployRefusedException.class)
			.isThrownBy(() -> DeployPreflight.checkUpgrade(
					artifact(TestJars.executable().startClass("org.other.Shop"), "shop.jar"), current(), this.properties))
			.withMessageContaining("is another application");
		assertThatExceptionOfType(DeployRefusedException.class)
			.isThrownBy(() -> DeployPreflight.checkUpgrade(artifact(TestJars.executable().withoutStarter(), "new.jar"),
					current(), this.properties))
			.withMessageContaining("does not contain cluster-spring-boot-starter");
	}

	private ReleaseArtifact current() throws IOException {
		return artifact(TestJars.executable(), "current.jar");
	}

	private ReleaseArtifact artifact(TestJars jars, String name) throws IOException {
		Path jar = jars.write(this.temp.resolve(name));
		return ReleaseArtifact.read(jar, jar, ReleaseStore.sha256Of(jar), Files.size(jar));
	}

}
