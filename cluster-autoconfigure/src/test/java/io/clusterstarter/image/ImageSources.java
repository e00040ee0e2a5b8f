package io.clusterstarter.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Jars for the image tests.
 */
final class ImageSources {

	private ImageSources() {
	}

	/** Plain jars, each with its own content, as a class-path source. */
	static ImageSource plainJars(Path directory, String... names) throws IOException {
		List<String> paths = new ArrayList<>();
		for (String name : names) {
			Path jar = directory.resolve(name);
			Files.writeString(jar, "content of " + name);
			paths.add(jar.toString());
		}
		return ImageSource.of(null, String.join(java.io.File.pathSeparator, paths), null);
	}

	/** A jar whose manifest starts it as a Spring Boot executable jar. */
	static Path executableJar(Path directory, String name) throws IOException {
		return jar(directory.resolve(name), "org.springframework.boot.loader.launch.JarLauncher", null);
	}

	static Path jar(Path path, String mainClass, String classPath) throws IOException {
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
		if (mainClass.startsWith("org.springframework.boot.loader")) {
			manifest.getMainAttributes().putValue("Spring-Boot-Classes", "BOOT-INF/classes/");
		}
		if (classPath != null) {
			manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
		}
		try (OutputStream out = Files.newOutputStream(path); JarOutputStream jar = new JarOutputStream(out, manifest)) {
			// The manifest is all
		}
		return path;
	}

}
