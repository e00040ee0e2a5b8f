package io.clusterstarter.image;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

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
	void executableJarUnpackedIntoADirectoryIsPackedAndExtractedAndKeyedByItsContent() throws IOException {
		Path workspace = Files.createDirectories(this.directory.resolve("workspace"));
		Files.createDirectories(workspace.resolve("META-INF"));
		Files.writeString(workspace.resolve("META-INF/MANIFEST.MF"), "Manifest-Version: 1.0\n"
				+ "Main-Class: org.springframework.boot.loader.launch.JarLauncher\nStart-Class: com.example.App\n\n");
		Files.createDirectories(workspace.resolve("BOOT-INF/lib"));
		Files.writeString(workspace.resolve("BOOT-INF/lib/a.jar"), "a");
		ImageSource source = ImageSource.of(null, workspace.toString(), null);
		assertThat(source.unsupportedReason()).isNull();
		assertThat(source.explodedJar()).isEqualTo(workspace);
		String key = ImageKey.of(source, "jvm", List.of());
		assertThat(ImageKey.of(source, "jvm", List.of())).isEqualTo(key);
		Files.writeString(workspace.resolve("BOOT-INF/lib/a.jar"), "changed");
		assertThat(ImageKey.of(source, "jvm", List.of())).isNotEqualTo(key);

		Path packed = this.directory.resolve("packed.jar");
		ExplodedJar.pack(workspace, packed);
		try (JarInputStream in = new JarInputStream(Files.newInputStream(packed))) {
			assertThat(in.getManifest().getMainAttributes().getValue("Start-Class")).isEqualTo("com.example.App");
		}
		try (ZipFile zip = new ZipFile(packed.toFile())) {
			assertThat(zip.stream().map(ZipEntry::getName)).containsExactly("META-INF/", "META-INF/MANIFEST.MF",
					"BOOT-INF/", "BOOT-INF/lib/", "BOOT-INF/lib/a.jar");
			// Spring Boot reads nested jars in place: they must be stored
			assertThat(zip.stream()).allSatisfy((entry) -> assertThat(entry.getMethod()).isEqualTo(ZipEntry.STORED));
			assertThat(zip.getInputStream(zip.getEntry("BOOT-INF/lib/a.jar")).readAllBytes()).asString()
				.isEqualTo("changed");
		}
		// A directory without the whole jar in it is no image source
		Files.delete(workspace.resolve("META-INF/MANIFEST.MF"));
		assertThat(ImageSource.of(null, workspace.toString(), null).unsupportedReason()).contains("jar files only");
	}

	@Test
	void wildcardAndModuleLaunchesSayWhy() {
		assertThat(ImageSource.of(null, this.directory + "/lib/*", null).unsupportedReason()).contains("wildcard");
		assertThat(ImageSource.of(null, null, "com.example/com.example.Main").unsupportedReason())
			.contains("module path");
	}

}
