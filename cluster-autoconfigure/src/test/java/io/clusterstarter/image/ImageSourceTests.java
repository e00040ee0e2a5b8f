package io.clusterstarter.image;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ImageSource}: which launches can have an image, and why the others cannot.
 */
class ImageSourceTests {

	@TempDir
	Path directory;

	@Test
	void executableJarIsExtracted() throws IOException {
		Path jar = ImageSources.executableJar(this.directory, "app.jar");
		ImageSource source = ImageSource.of(jar.toString(), null, null);
		assertThat(source.unsupportedReason()).isNull();
		assertThat(source.executableJar()).isEqualTo(jar);
		assertThat(source.jars()).containsExactly(jar);
	}

	@Test
	void plainJarIsCachedAsItIsWithItsManifestClassPath() throws IOException {
		Files.writeString(this.directory.resolve("lib.jar"), "lib");
		Path jar = ImageSources.jar(this.directory.resolve("app.jar"), "com.example.Main", "lib.jar missing.jar");
		ImageSource source = ImageSource.of(jar.toString(), null, null);
		assertThat(source.unsupportedReason()).isNull();
		assertThat(source.executableJar()).isNull();
		assertThat(source.jars()).containsExactly(jar, this.directory.resolve("lib.jar"));
	}

	@Test
	void propertiesLauncherJarCannotBeCached() throws IOException {
		Path jar = ImageSources.jar(this.directory.resolve("app.jar"),
				"org.springframework.boot.loader.launch.PropertiesLauncher", null);
		assertThat(ImageSource.of(jar.toString(), null, null).unsupportedReason()).contains("not with JarLauncher");
	}

	@Test
	void classPathOfJarsIsCachedAsItIs() throws IOException {
		ImageSource source = ImageSources.plainJars(this.directory, "a.jar", "b.jar");
		assertThat(source.unsupportedReason()).isNull();
		assertThat(source.jars()).containsExactly(this.directory.resolve("a.jar"), this.directory.resolve("b.jar"));
	}

	@Test
	void directoryOnTheClassPathSaysWhy() throws IOException {
		Path classes = Files.createDirectories(this.directory.resolve("classes"));
		Files.writeString(this.directory.resolve("a.jar"), "a");
		ImageSource source = ImageSource.of(null, this.directory.resolve("a.jar") + File.pathSeparator + classes,
				null);
		assertThat(source.unsupportedReason()).contains("the directory " + classes).contains("jar files only");
	}

	@Test
	void wildcardAndModuleLaunchesSayWhy() {
		assertThat(ImageSource.of(null, this.directory + "/lib/*", null).unsupportedReason()).contains("wildcard");
		assertThat(ImageSource.of(null, null, "com.example/com.example.Main").unsupportedReason())
			.contains("module path");
	}

}
