package io.clusterstarter.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link PrivateDirectory}.
 */
@EnabledOnOs(OS.LINUX)
class PrivateDirectoryTests {

	@TempDir
	Path directory;

	@Test
	void createdForTheUserAlone() throws IOException {
		Path created = PrivateDirectory.ensure(this.directory.resolve("a/b/images"));
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(created))).isEqualTo("rwx------");
		assertThat(Files.getOwner(created)).isEqualTo(Files.getOwner(this.directory));
		// Used again as it is, and nothing is left in it by the check
		assertThat(PrivateDirectory.ensure(created)).isEqualTo(created);
		assertThat(created).isEmptyDirectory();
	}

	@Test
	void oneOthersMayEnterIsRefused() throws IOException {
		Path open = Files.createDirectory(this.directory.resolve("open"),
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
		Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
		assertThatIOException().isThrownBy(() -> PrivateDirectory.ensure(open))
			.withMessageContaining("may be entered by other users (rwxr-xr-x)")
			.withMessageContaining("chmod 700");
	}

	@Test
	void symbolicLinkIsRefused() throws IOException {
		Path target = PrivateDirectory.ensure(this.directory.resolve("target"));
		Path link = Files.createSymbolicLink(this.directory.resolve("link"), target);
		assertThatIOException().isThrownBy(() -> PrivateDirectory.ensure(link)).withMessageContaining("is not a directory");
	}

	@Test
	void oneOfAnotherUserIsRefused() throws IOException {
		// Only root may give a directory away
		assumeTrue("root".equals(System.getProperty("user.name")));
		Path theirs = PrivateDirectory.ensure(this.directory.resolve("theirs"));
		UserPrincipal nobody = theirs.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
		Files.setOwner(theirs, nobody);
		assertThatIOException().isThrownBy(() -> PrivateDirectory.ensure(theirs))
			.withMessageContaining("belongs to nobody");
	}

}
