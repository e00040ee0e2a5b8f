package io.clusterstarter.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ImageKey}: what makes another image, and what does not.
 */
class ImageKeyTests {

	@TempDir
	Path directory;

	@Test
	void sameJarsJvmAndOptionsGiveTheSameKey() throws IOException {
		ImageSource source = ImageSources.plainJars(this.directory, "a.jar", "b.jar");
		assertThat(ImageKey.of(source, "jvm 17", List.of("-Xss1m")))
			.isEqualTo(ImageKey.of(source, "jvm 17", List.of("-Xss1m")))
			.hasSize(32);
	}

	@Test
	void changedContentGivesAnotherKeyEvenWithTheSameNameAndTime() throws IOException {
		ImageSource source = ImageSources.plainJars(this.directory, "a.jar");
		String before = ImageKey.of(source, "jvm 17", List.of());
		Path jar = this.directory.resolve("a.jar");
		var time = Files.getLastModifiedTime(jar);
		Files.writeString(jar, "rebuilt");
		Files.setLastModifiedTime(jar, time);
		assertThat(ImageKey.of(source, "jvm 17", List.of())).isNotEqualTo(before);
	}

	@Test
	void anotherJvmOrOptionGivesAnotherKey() throws IOException {
		ImageSource source = ImageSources.plainJars(this.directory, "a.jar");
		String key = ImageKey.of(source, "jvm 17", List.of("-XX:+UseG1GC"));
		assertThat(ImageKey.of(source, "jvm 25", List.of("-XX:+UseG1GC"))).isNotEqualTo(key);
		assertThat(ImageKey.of(source, "jvm 17", List.of("-XX:+UseZGC"))).isNotEqualTo(key);
		assertThat(ImageKey.of(source, "jvm 17", List.of("-XX:+UseG1GC", "-XX:StartFlightRecording")))
			.isNotEqualTo(key);
	}

	@Test
	void optionsAreNotRunTogether() throws IOException {
		ImageSource source = ImageSources.plainJars(this.directory, "a.jar");
		assertThat(ImageKey.of(source, "jvm", List.of("-Da=1", "-Db=2")))
			.isNotEqualTo(ImageKey.of(source, "jvm", List.of("-Da=1-Db=2")));
	}

	@Test
	void executableJarIsKeyedByContentWherePlainJarsAreKeyedByPathToo() throws IOException {
		Path first = Files.createDirectories(this.directory.resolve("first"));
		Path second = Files.createDirectories(this.directory.resolve("second"));
		ImageSource executableHere = ImageSource.of(ImageSources.executableJar(first, "app.jar").toString(), null,
				null);
		ImageSource executableThere = ImageSource.of(ImageSources.executableJar(second, "app.jar").toString(), null,
				null);
		assertThat(ImageKey.of(executableHere, "jvm", List.of())).isEqualTo(ImageKey.of(executableThere, "jvm", List.of()));
		// The JVM checks the class path of a cache made from plain jars: moved jars need a new one
		assertThat(ImageKey.of(ImageSources.plainJars(first, "lib.jar"), "jvm", List.of()))
			.isNotEqualTo(ImageKey.of(ImageSources.plainJars(second, "lib.jar"), "jvm", List.of()));
	}

	@Test
	void executableJarWhoseHashIsKnownIsKeyedByItWithoutBeingRead() throws IOException {
		Path jar = ImageSources.executableJar(this.directory, "app.jar");
		ImageSource source = ImageSource.of(jar.toString(), null, null);
		String known = ImageKey.of(source.withContentSha256("aa11"), "jvm", List.of());
		// Its release copied and hashed it: the key follows that hash, not the file as it is now
		Files.delete(jar);
		assertThat(ImageKey.of(source.withContentSha256("aa11"), "jvm", List.of())).isEqualTo(known);
		assertThat(ImageKey.of(source.withContentSha256("bb22"), "jvm", List.of())).isNotEqualTo(known);
		// Plain jars have no single hash to reuse: their key still reads them
		ImageSource plain = ImageSources.plainJars(this.directory, "lib.jar");
		assertThat(plain.withContentSha256("aa11")).isSameAs(plain);
	}

}
