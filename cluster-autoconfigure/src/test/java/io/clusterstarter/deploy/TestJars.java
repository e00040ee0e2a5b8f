package io.clusterstarter.deploy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

import io.clusterstarter.ipc.IpcProtocol;

/**
 * Writes small jars shaped like Spring Boot's executable jars, to read as releases: a manifest,
 * the start class's header, and a nested starter jar (stored, as Boot's loader requires).
 */
final class TestJars {

	private final Map<String, String> manifest = new LinkedHashMap<>();

	private final Map<String, byte[]> entries = new LinkedHashMap<>();

	private String startClass = "com.example.App";

	private int javaVersion = 17;

	private Integer protocol = IpcProtocol.VERSION;

	private Integer upgrade = IpcProtocol.UPGRADE_VERSION;

	private String starterVersion;

	private boolean starter = true;

	static TestJars executable() {
		TestJars jars = new TestJars();
		jars.manifest.put("Main-Class", ReleaseArtifact.JAR_LAUNCHER);
		return jars;
	}

	TestJars version(String version) {
		this.manifest.put("Implementation-Version", version);
		return this;
	}

	TestJars manifest(String name, String value) {
		this.manifest.put(name, value);
		return this;
	}

	TestJars startClass(String startClass) {
		this.startClass = startClass;
		return this;
	}

	TestJars javaVersion(int javaVersion) {
		this.javaVersion = javaVersion;
		return this;
	}

	/** The nested starter's protocol, or {@code null} for a starter of before versions. */
	TestJars protocol(Integer protocol) {
		this.protocol = protocol;
		return this;
	}

	/** The nested starter's hand-over version, or {@code null} for a starter of before upgrades. */
	TestJars upgrade(Integer upgrade) {
		this.upgrade = upgrade;
		return this;
	}

	/** The nested starter's {@code Implementation-Version}. */
	TestJars starterVersion(String version) {
		this.starterVersion = version;
		return this;
	}

	TestJars withoutStarter() {
		this.starter = false;
		return this;
	}

	TestJars entry(String name, String content) {
		this.entries.put(name, content.getBytes(StandardCharsets.UTF_8));
		return this;
	}

	Path write(Path file) throws IOException {
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().putValue("Start-Class", this.startClass);
		this.manifest.forEach(manifest.getMainAttributes()::putValue);
		try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(file), manifest)) {
			put(jar, "BOOT-INF/classes/" + this.startClass.replace('.', '/') + ".class", classHeader(this.javaVersion),
					false);
			for (Map.Entry<String, byte[]> entry : this.entries.entrySet()) {
				put(jar, entry.getKey(), entry.getValue(), false);
			}
			if (this.starter) {
				put(jar, "BOOT-INF/lib/cluster-autoconfigure-1.0.0.jar", starterJar(), true);
			}
			put(jar, "BOOT-INF/lib/other-library-1.0.jar", nestedJar(Map.of("other/Thing.class", new byte[8])), true);
		}
		return file;
	}

	private byte[] starterJar() throws IOException {
		Map<String, byte[]> content = new LinkedHashMap<>();
		content.put("io/clusterstarter/Cluster.class", new byte[8]);
		if (this.protocol != null) {
			String declared = "protocol=" + this.protocol + "\n" + ((this.upgrade != null) ? "upgrade=" + this.upgrade + "\n" : "");
			content.put(IpcProtocol.RESOURCE, declared.getBytes(StandardCharsets.UTF_8));
		}
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		if (this.starterVersion != null) {
			manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, this.starterVersion);
		}
		return nestedJar(content, manifest);
	}

	static byte[] nestedJar(Map<String, byte[]> content) throws IOException {
		return nestedJar(content, new Manifest());
	}

	static byte[] nestedJar(Map<String, byte[]> content, Manifest manifest) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
			for (Map.Entry<String, byte[]> entry : content.entrySet()) {
				put(jar, entry.getKey(), entry.getValue(), false);
			}
		}
		return bytes.toByteArray();
	}

	static byte[] classHeader(int javaVersion) {
		int major = javaVersion + 44;
		return new byte[] { (byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe, 0, 0, (byte) (major >> 8),
				(byte) major, 0, 0 };
	}

	private static void put(JarOutputStream jar, String name, byte[] content, boolean stored) throws IOException {
		JarEntry entry = new JarEntry(name);
		if (stored) {
			CRC32 crc = new CRC32();
			crc.update(content);
			entry.setMethod(ZipEntry.STORED);
			entry.setSize(content.length);
			entry.setCompressedSize(content.length);
			entry.setCrc(crc.getValue());
		}
		jar.putNextEntry(entry);
		jar.write(content);
		jar.closeEntry();
	}

	static void writeText(Path file, String text) throws IOException {
		try (OutputStream out = Files.newOutputStream(file)) {
			out.write(text.getBytes(StandardCharsets.UTF_8));
		}
	}

}
