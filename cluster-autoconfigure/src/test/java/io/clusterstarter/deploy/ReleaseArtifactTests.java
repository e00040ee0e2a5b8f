package io.clusterstarter.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.clusterstarter.image.ReleaseStore;
import io.clusterstarter.ipc.IpcProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ReleaseArtifact}: what is read from a jar before anything runs it.
 */
class ReleaseArtifactTests {

	@TempDir
	Path temp;

	@Test
	void readsTheApplicationItsVersionJavaAndProtocol() throws IOException {
		Path jar = TestJars.executable().version("1.4.0").javaVersion(17).write(this.temp.resolve("app.jar"));
		ReleaseArtifact artifact = read(jar);
		assertThat(artifact.version()).isEqualTo("1.4.0");
		assertThat(artifact.startClass()).isEqualTo("com.example.App");
		assertThat(artifact.javaVersion()).isEqualTo(17);
		assertThat(artifact.ipcProtocol()).isEqualTo(IpcProtocol.VERSION);
		assertThat(artifact.path()).isEqualTo(jar);
		assertThat(ReleaseArtifact.isExecutableJar(jar)).isTrue();
	}

	@Test
	void versionFallsBackToBuildInfoThenGitThenTheHash() throws IOException {
		assertThat(read(TestJars.executable()
			.entry("BOOT-INF/classes/META-INF/build-info.properties", "build.version=2.0.0-rc1\n")
			.entry("BOOT-INF/classes/git.properties", "git.commit.id.abbrev=abc1234\n")
			.write(this.temp.resolve("a.jar"))).version()).isEqualTo("2.0.0-rc1");
		assertThat(read(TestJars.executable()
			.entry("BOOT-INF/classes/git.properties", "git.commit.id.abbrev=abc1234\n")
			.write(this.temp.resolve("b.jar"))).version()).isEqualTo("abc1234");
		ReleaseArtifact unversioned = read(TestJars.executable().write(this.temp.resolve("c.jar")));
		assertThat(unversioned.version()).isEqualTo("sha256:" + unversioned.sha256().substring(0, 12));
	}

	@Test
	void starterOfBeforeProtocolVersionsSpeaksZeroAndNoStarterIsNull() throws IOException {
		assertThat(read(TestJars.executable().protocol(null).write(this.temp.resolve("old.jar"))).ipcProtocol())
			.isZero();
		assertThat(read(TestJars.executable().withoutStarter().write(this.temp.resolve("none.jar"))).ipcProtocol())
			.isNull();
	}

	@Test
	void readsItsStartersVersionAndHandOver() throws IOException {
		ReleaseArtifact artifact = read(TestJars.executable().starterVersion("0.2.0").write(this.temp.resolve("new.jar")));
		assertThat(artifact.starterVersion()).isEqualTo("0.2.0");
		assertThat(artifact.upgradeProtocol()).isEqualTo(IpcProtocol.UPGRADE_VERSION);
		ReleaseArtifact older = read(TestJars.executable().upgrade(null).write(this.temp.resolve("older.jar")));
		assertThat(older.upgradeProtocol()).isZero();
		assertThat(older.starterVersion()).isNull();
		assertThat(read(TestJars.executable().withoutStarter().write(this.temp.resolve("none.jar"))).upgradeProtocol())
			.isNull();
	}

	@Test
	void fileThatIsNotAJarIsRefused() throws IOException {
		Path file = this.temp.resolve("notes.jar");
		TestJars.writeText(file, "not a zip at all");
		assertThatExceptionOfType(DeployRefusedException.class).isThrownBy(() -> read(file))
			.withMessageContaining("is not a jar")
			.satisfies((ex) -> assertThat(ex.isConflict()).isFalse());
		assertThat(ReleaseArtifact.isExecutableJar(file)).isFalse();
	}

	@Test
	void plainJarIsRefusedWithHowToBuildAnExecutableOne() throws IOException {
		Path jar = TestJars.executable().manifest("Main-Class", "com.example.App").write(this.temp.resolve("plain.jar"));
		assertThatExceptionOfType(DeployRefusedException.class).isThrownBy(() -> read(jar))
			.withMessageContaining("is not an executable Spring Boot jar")
			.withMessageContaining("spring-boot-maven-plugin");
	}

	@Test
	void startClassMissingFromTheJarIsRefused() throws IOException {
		Path jar = TestJars.executable().manifest("Start-Class", "com.example.Gone").write(this.temp.resolve("x.jar"));
		assertThatExceptionOfType(DeployRefusedException.class).isThrownBy(() -> read(jar))
			.withMessageContaining("names Start-Class com.example.Gone, which it does not contain");
	}

	private static ReleaseArtifact read(Path jar) throws IOException {
		return ReleaseArtifact.read(jar, jar, ReleaseStore.sha256Of(jar), Files.size(jar));
	}

}
