package io.clusterstarter.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReleaseStore}: the private copies workers run from.
 */
class ReleaseStoreTests {

	@TempDir
	Path temp;

	@Test
	void copyIsPrivateNamedByContentAndUnchangedByLaterWritesToTheOriginal() throws IOException {
		ReleaseStore store = ReleaseStore.open(this.temp.resolve("root"), "app");
		Path original = Files.writeString(this.temp.resolve("app.jar"), "version one");
		try (ReleaseStore.Staged staged = store.stage(original)) {
			assertThat(staged.sha256()).isEqualTo(ReleaseStore.sha256Of(original));
			assertThat(staged.size()).isEqualTo(11);
			assertThat(staged.file().getParent().getFileName()).hasToString(staged.sha256().substring(0, 16));
			assertThat(Files.getPosixFilePermissions(staged.file().getParent()))
				.isEqualTo(PosixFilePermissions.fromString("rwx------"));
			// A rebuild overwrites the original in place: the copy keeps the release
			Files.writeString(original, "version two, longer");
			assertThat(Files.readString(staged.file(), StandardCharsets.UTF_8)).isEqualTo("version one");
		}
	}

	@Test
	void copyOfASymlinkIsNamedAfterTheFileItPointsTo() throws IOException {
		ReleaseStore store = ReleaseStore.open(this.temp.resolve("root"), "app");
		Path release = Files.writeString(this.temp.resolve("app-1.4.0.jar"), "content");
		Path current = Files.createSymbolicLink(this.temp.resolve("current.jar"), release);
		try (ReleaseStore.Staged staged = store.stage(current)) {
			assertThat(staged.file().getFileName()).hasToString("app-1.4.0.jar");
		}
	}

	@Test
	void sameContentTwiceSharesOneCopyHeldUntilBothAreClosed() throws IOException {
		ReleaseStore store = ReleaseStore.open(this.temp.resolve("root"), "app");
		Path jar = Files.writeString(this.temp.resolve("app.jar"), "same");
		ReleaseStore.Staged first = store.stage(jar);
		ReleaseStore.Staged second = store.stage(jar);
		assertThat(second.file()).isEqualTo(first.file());
		first.close();
		store.removeUnused();
		assertThat(second.file()).exists();
		second.close();
		store.removeUnused();
		assertThat(second.file()).doesNotExist();
	}

	@Test
	void cleanUpRemovesOnlyCopiesNobodyHolds() throws IOException {
		ReleaseStore store = ReleaseStore.open(this.temp.resolve("root"), "app");
		ReleaseStore.Staged used = store.stage(Files.writeString(this.temp.resolve("a.jar"), "used"));
		ReleaseStore.Staged unused = store.stage(Files.writeString(this.temp.resolve("b.jar"), "unused"));
		unused.close();
		store.removeUnused();
		assertThat(used.file()).exists();
		assertThat(unused.file()).doesNotExist();
		used.close();
	}

}
