package io.clusterstarter.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;

import io.clusterstarter.ipc.IpcProtocol;

/**
 * What an executable Spring Boot jar is, read from its content without running it: the
 * application it starts, its version, the Java its classes need and the IPC protocol of the
 * starter inside it. Read once from the primary's private copy, so that what is checked is what
 * the workers run.
 *
 * @param path the artifact as it was named (a symlink stays a symlink), for the log and the
 * endpoint
 * @param file the file that was read: the release's private copy
 * @param sha256 the SHA-256 of its content, in hexadecimal
 * @param size its size in bytes
 * @param version its version: {@code Implementation-Version}, else {@code build.version} of
 * {@code build-info.properties}, else the abbreviated commit of {@code git.properties}, else
 * {@code sha256:} and the start of its hash
 * @param startClass the application's main class ({@code Start-Class})
 * @param javaVersion the Java feature release its main class is compiled for
 * @param ipcProtocol the IPC protocol of its starter, 0 for a starter older than protocol
 * versions, or {@code null} when it has no starter at all
 * @param upgradeProtocol the version of the hand-over its starter's primary takes in an upgrade,
 * 0 for a starter older than upgrades, or {@code null} when it has no starter at all
 * @param starterVersion the version of its starter ({@code Implementation-Version} of the
 * starter's jar), or {@code null} when it tells none
 * @author cluster-spring-boot-starter
 */
public record ReleaseArtifact(Path path, Path file, String sha256, long size, String version, String startClass,
		int javaVersion, Integer ipcProtocol, Integer upgradeProtocol, String starterVersion) {

	/** The launcher of executable jars. */
	static final String JAR_LAUNCHER = "org.springframework.boot.loader.launch.JarLauncher";

	private static final String CLASSES = "BOOT-INF/classes/";

	private static final String LIB = "BOOT-INF/lib/";

	/**
	 * Read an artifact.
	 * @param path the artifact as it was named
	 * @param file the file to read
	 * @param sha256 its content's SHA-256, computed while it was copied
	 * @param size its size
	 * @return what it is
	 * @throws DeployRefusedException if it is not a jar, or not an executable Spring Boot jar
	 */
	public static ReleaseArtifact read(Path path, Path file, String sha256, long size) {
		try (JarFile jar = new JarFile(file.toFile())) {
			Manifest manifest = jar.getManifest();
			Attributes main = (manifest != null) ? manifest.getMainAttributes() : new Attributes();
			String launcher = main.getValue(Attributes.Name.MAIN_CLASS);
			String startClass = main.getValue("Start-Class");
			if (!JAR_LAUNCHER.equals(launcher) || startClass == null) {
				throw DeployRefusedException.badArtifact(path + " is not an executable Spring Boot jar (its Main-Class is "
						+ launcher + ", not " + JAR_LAUNCHER + " with a Start-Class); build it with spring-boot-maven-plugin "
						+ "or the bootJar task");
			}
			int java = javaVersion(jar, path, startClass);
			Starter starter = starter(jar);
			return new ReleaseArtifact(path, file, sha256, size, version(jar, main, sha256), startClass, java,
					(starter != null) ? starter.versions().ipc() : null,
					(starter != null) ? starter.versions().upgrade() : null,
					(starter != null) ? starter.version() : null);
		}
		catch (ZipException ex) {
			throw DeployRefusedException.badArtifact(path + " is not a jar: " + ex.getMessage());
		}
		catch (IOException ex) {
			throw DeployRefusedException.badArtifact("Could not read " + path + ": " + ex.getMessage());
		}
	}

	/**
	 * Return whether a file is an executable Spring Boot jar, from its manifest alone.
	 * @param jar the file
	 * @return whether {@code JarLauncher} starts it
	 */
	public static boolean isExecutableJar(Path jar) {
		try (JarFile file = new JarFile(jar.toFile())) {
			Manifest manifest = file.getManifest();
			return manifest != null && JAR_LAUNCHER.equals(manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS))
					&& manifest.getMainAttributes().getValue("Start-Class") != null;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * The Java release of the main class, from its class file's major version (52 is Java 8).
	 */
	private static int javaVersion(JarFile jar, Path path, String startClass) throws IOException {
		ZipEntry entry = jar.getEntry(CLASSES + startClass.replace('.', '/') + ".class");
		if (entry == null) {
			throw DeployRefusedException.badArtifact(path + " names Start-Class " + startClass + ", which it does not contain");
		}
		try (InputStream in = jar.getInputStream(entry)) {
			byte[] header = in.readNBytes(8);
			if (header.length < 8 || (header[0] & 0xff) != 0xca || (header[1] & 0xff) != 0xfe) {
				throw DeployRefusedException.badArtifact(path + ": " + startClass + " is not a class file");
			}
			return ((header[6] & 0xff) << 8 | (header[7] & 0xff)) - 44;
		}
	}

	private static String version(JarFile jar, Attributes main, String sha256) throws IOException {
		String version = main.getValue(Attributes.Name.IMPLEMENTATION_VERSION);
		if (version == null) {
			version = property(jar, CLASSES + "META-INF/build-info.properties", "build.version");
		}
		if (version == null) {
			version = property(jar, CLASSES + "git.properties", "git.commit.id.abbrev");
		}
		return (version != null && !version.isBlank()) ? version.strip() : "sha256:" + sha256.substring(0, 12);
	}

	private static String property(JarFile jar, String name, String key) throws IOException {
		ZipEntry entry = jar.getEntry(name);
		if (entry == null) {
			return null;
		}
		Properties properties = new Properties();
		try (InputStream in = jar.getInputStream(entry)) {
			properties.load(in);
		}
		return properties.getProperty(key);
	}

	/**
	 * The starter in the jar's libraries: its own jar ({@code cluster-autoconfigure-*.jar}),
	 * whose absence of the protocol resource means a starter of before protocol versions; else
	 * any library that declares protocols (a renamed or repackaged starter).
	 */
	private static Starter starter(JarFile jar) throws IOException {
		for (boolean named : new boolean[] { true, false }) {
			Enumeration<JarEntry> entries = jar.entries();
			while (entries.hasMoreElements()) {
				JarEntry entry = entries.nextElement();
				String name = entry.getName();
				if (name.startsWith(LIB) && name.endsWith(".jar")
						&& name.substring(LIB.length()).startsWith("cluster-autoconfigure") == named) {
					Starter starter = declaredStarter(jar, entry);
					if (starter.versions() != null || named) {
						return (starter.versions() != null) ? starter
								: new Starter(new IpcProtocol.Versions(0, 0), starter.version());
					}
				}
			}
		}
		return null;
	}

	private static Starter declaredStarter(JarFile jar, JarEntry nested) throws IOException {
		try (JarInputStream in = new JarInputStream(jar.getInputStream(nested))) {
			Manifest manifest = in.getManifest();
			String version = (manifest != null)
					? manifest.getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION) : null;
			for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
				if (entry.getName().equals(IpcProtocol.RESOURCE)) {
					return new Starter(IpcProtocol.declared(in), version);
				}
			}
			return new Starter(null, version);
		}
	}

	/** What a library of the jar says of itself as a starter. */
	private record Starter(IpcProtocol.Versions versions, String version) {
	}

	/**
	 * Return the first 16 hexadecimal digits of the hash, which name the release's copy.
	 * @return the short hash
	 */
	public String shortSha() {
		return this.sha256.substring(0, 16);
	}

}
