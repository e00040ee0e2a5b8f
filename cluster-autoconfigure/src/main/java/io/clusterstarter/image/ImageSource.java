package io.clusterstarter.image;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * What a worker image is made from, read from how the primary was launched: an executable
 * Spring Boot jar is extracted first, and so is one unpacked into a directory (the buildpack
 * layout, {@code -cp DIR JarLauncher}) once packed again; a launch from plain jars ({@code -cp},
 * or {@code -jar} of a plain jar) is cached as it is. Everything else cannot be cached and says
 * why: the JVM keeps class data only for classes it loads from jar files with its own class
 * loader.
 *
 * @author cluster-spring-boot-starter
 */
public final class ImageSource {

	private static final String JAR_LAUNCHER = "org.springframework.boot.loader.launch.JarLauncher";

	private final Path executableJar;

	/** An executable jar unpacked into a directory, or {@code null}. */
	private final Path explodedJar;

	private final List<Path> jars;

	private final String unsupported;

	/** The executable jar's SHA-256 when already known (its release copied it), else {@code null}. */
	private final String contentSha256;

	private ImageSource(Path executableJar, List<Path> jars, String unsupported) {
		this(executableJar, null, jars, unsupported, null);
	}

	private ImageSource(Path executableJar, Path explodedJar, List<Path> jars, String unsupported,
			String contentSha256) {
		this.executableJar = executableJar;
		this.explodedJar = explodedJar;
		this.jars = jars;
		this.unsupported = unsupported;
		this.contentSha256 = contentSha256;
	}

	/**
	 * Decide what a launch offers.
	 * @param jar the jar of a {@code java -jar} launch, absolute, or {@code null}
	 * @param classPath the class path of any other launch, entries absolute, or {@code null}
	 * @param mainModule the main module of a {@code java -m} launch, or {@code null}
	 * @return the source
	 */
	public static ImageSource of(String jar, String classPath, String mainModule) {
		if (mainModule != null) {
			return unsupported("the application runs from the module path (-m); images are made for -jar and "
					+ "class-path launches");
		}
		if (jar != null) {
			return ofJar(Path.of(jar));
		}
		if (classPath == null || classPath.isEmpty()) {
			return unsupported("the class path is empty");
		}
		String[] entries = classPath.split(File.pathSeparator);
		if (entries.length == 1 && ExplodedJar.isExplodedJar(Path.of(entries[0]))) {
			return new ImageSource(null, Path.of(entries[0]), List.of(), null, null);
		}
		List<Path> jars = new ArrayList<>();
		for (String entry : entries) {
			if (entry.isEmpty()) {
				continue;
			}
			if (entry.endsWith("*")) {
				return unsupported("the class path holds the wildcard " + entry
						+ ", which the JVM's class-data cache does not support");
			}
			Path path = Path.of(entry);
			if (Files.isDirectory(path)) {
				return unsupported("the class path holds the directory " + entry
						+ "; the JVM caches classes from jar files only (run the packaged jar, or a directory that "
						+ "holds the whole unpacked jar, to get the image)");
			}
			if (Files.isRegularFile(path)) {
				jars.add(path);
			}
		}
		return new ImageSource(null, List.copyOf(jars), null);
	}

	private static ImageSource ofJar(Path jar) {
		Manifest manifest;
		try (JarFile file = new JarFile(jar.toFile())) {
			manifest = file.getManifest();
		}
		catch (IOException ex) {
			return unsupported("could not read " + jar + ": " + ex.getMessage());
		}
		Attributes attributes = (manifest != null) ? manifest.getMainAttributes() : new Attributes();
		String mainClass = attributes.getValue(Attributes.Name.MAIN_CLASS);
		if (JAR_LAUNCHER.equals(mainClass)) {
			return new ImageSource(jar, List.of(jar), null);
		}
		if (attributes.getValue("Spring-Boot-Classes") != null) {
			return unsupported(jar + " starts with " + mainClass + ", not with JarLauncher; images are made from "
					+ "executable jars that Spring Boot's JarLauncher starts");
		}
		List<Path> jars = new ArrayList<>(List.of(jar));
		String manifestClassPath = attributes.getValue(Attributes.Name.CLASS_PATH);
		if (manifestClassPath != null) {
			for (String entry : manifestClassPath.trim().split("\\s+")) {
				Path path = jar.resolveSibling(entry);
				if (Files.isRegularFile(path)) {
					jars.add(path);
				}
			}
		}
		return new ImageSource(null, List.copyOf(jars), null);
	}

	static ImageSource unsupported(String reason) {
		return new ImageSource(null, List.of(), reason);
	}

	/**
	 * Why no image can be made, or {@code null} when one can.
	 * @return the reason
	 */
	public String unsupportedReason() {
		return this.unsupported;
	}

	/**
	 * The executable jar to extract, or {@code null} for a launch from plain jars.
	 * @return the jar
	 */
	public Path executableJar() {
		return this.executableJar;
	}

	/**
	 * The directory an executable jar was unpacked into, to pack and extract, or {@code null}.
	 * @return the directory
	 */
	public Path explodedJar() {
		return this.explodedJar;
	}

	/**
	 * The files whose content the image depends on, besides an unpacked jar's directory.
	 * @return the jars
	 */
	public List<Path> jars() {
		return this.jars;
	}

	/**
	 * Return the same source with the executable jar's content hash, computed as the jar was
	 * copied, so that its key does not read the jar again.
	 * @param sha256 the jar's SHA-256, in hexadecimal
	 * @return the source; unchanged for a launch from plain jars or one that has no image
	 */
	public ImageSource withContentSha256(String sha256) {
		return (this.executableJar != null)
				? new ImageSource(this.executableJar, null, this.jars, this.unsupported, sha256) : this;
	}

	/**
	 * The executable jar's SHA-256 when known, else {@code null}.
	 * @return the hash
	 */
	public String contentSha256() {
		return this.contentSha256;
	}

}
