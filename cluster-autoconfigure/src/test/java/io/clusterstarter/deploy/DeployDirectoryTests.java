package io.clusterstarter.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link DeployDirectory}: the endpoint deploys only files inside the directory.
 */
class DeployDirectoryTests {

	@TempDir
	Path temp;

	@Test
	void fileInTheDirectoryOrASymlinkToOneIsAccepted() throws IOException {
		Path releases = Files.createDirectory(this.temp.resolve("releases"));
		Path jar = Files.writeString(releases.resolve("app-1.4.0.jar"), "jar");
		Files.createSymbolicLink(releases.resolve("current.jar"), jar);
		assertThat(DeployDirectory.resolve(releases, "app-1.4.0.jar")).isEqualTo(jar.toRealPath());
		assertThat(DeployDirectory.resolve(releases, jar.toString())).isEqualTo(jar.toRealPath());
		assertThat(DeployDirectory.resolve(releases, "current.jar")).isEqualTo(jar.toRealPath());
	}

	@Test
	void dotDotAnAbsolutePathOutsideAndASymlinkEscapingAreBadRequests() throws IOException {
		Path releases = Files.createDirectory(this.temp.resolve("releases"));
		Path outside = Files.writeString(this.temp.resolve("evil.jar"), "jar");
		Files.createSymbolicLink(releases.resolve("escape.jar"), outside);
		assertRefused(releases, "../evil.jar", "must not contain '..'");
		assertRefused(releases, outside.toString(), "is outside cluster.deploy.directory");
		assertRefused(releases, "escape.jar", "once its symlinks are resolved (" + outside.toRealPath() + ")");
		assertRefused(releases, "missing.jar", "does not exist");
	}

	@Test
	void withoutADirectoryTheEndpointCannotDeploy() {
		assertThatExceptionOfType(DeployRefusedException.class).isThrownBy(() -> DeployDirectory.resolve(null, "a.jar"))
			.withMessageContaining("set cluster.deploy.directory")
			.matches(DeployRefusedException::isConflict);
	}

	private static void assertRefused(Path directory, String artifact, String reason) {
		assertThatExceptionOfType(DeployRefusedException.class)
			.isThrownBy(() -> DeployDirectory.resolve(directory, artifact))
			.withMessageContaining(reason)
			.matches((ex) -> !ex.isConflict());
	}

}
