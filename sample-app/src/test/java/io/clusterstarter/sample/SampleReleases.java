package io.clusterstarter.sample;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Other releases of the packaged sample, written from its jar for the deploy tests: another
 * version, a version with extra configuration (one that fails at start-up, one that never gets
 * ready), a jar of another application, one built for a newer Java, and one whose starter speaks
 * another IPC protocol. Entries are copied as they are, the nested jars stored, as Spring Boot's
 * loader requires.
 */
final class SampleReleases {

	private static final String MANIFEST = "META-INF/MANIFEST.MF";

	private static final String START_CLASS = "BOOT-INF/classes/io/clusterstarter/sample/SampleApplication.class";

	private final Path sample;

	SampleReleases(Path sample) {
		this.sample = sample;
	}

	/** The sample as version {@code version}, with these lines in its application.properties. */
	Path version(Path target, String version, String... properties) throws IOException {
		Map<String, byte[]> added = new LinkedHashMap<>();
		if (properties.length > 0) {
			added.put("BOOT-INF/classes/application.properties",
					(String.join("\n", properties) + "\n").getBytes(StandardCharsets.UTF_8));
		}
		return write(target, (name) -> MANIFEST.equals(name)
				? (bytes) -> manifest(bytes, "Implementation-Version", version) : null, added);
	}

	/** The sample naming another of its classes as the application's main class. */
	Path anotherApplication(Path target) throws IOException {
		return write(target, (name) -> MANIFEST.equals(name)
				? (bytes) -> manifest(bytes, "Start-Class", "io.clusterstarter.sample.WhoAmIController") : null, Map.of());
	}

	/** The sample with its main class marked as compiled for a Java release. */
	Path builtForJava(Path target, int feature) throws IOException {
		return write(target, (name) -> START_CLASS.equals(name) ? (bytes) -> {
			byte[] changed = bytes.clone();
			changed[6] = (byte) ((feature + 44) >> 8);
			changed[7] = (byte) (feature + 44);
			return changed;
		} : null, Map.of());
	}

	/** The sample whose starter says it speaks another IPC protocol. */
	Path speakingProtocol(Path target, int protocol) throws IOException {
		byte[] resource = ("protocol=" + protocol + "\n").getBytes(StandardCharsets.UTF_8);
		return write(target, (name) -> name.startsWith("BOOT-INF/lib/cluster-autoconfigure")
				? (nested) -> rewriteNested(nested, "META-INF/cluster-spring-boot/ipc.properties", resource) : null,
				Map.of());
	}

	/** The sample as version {@code version}, whose starter's jar says it is version {@code starter}. */
	Path starterVersion(Path target, String version, String starter) throws IOException {
		return write(target, (name) -> MANIFEST.equals(name) ? (bytes) -> manifest(bytes, "Implementation-Version", version)
				: name.startsWith("BOOT-INF/lib/cluster-autoconfigure")
						? (nested) -> rewriteNested(nested, "META-INF/MANIFEST.MF",
								manifest(nestedManifest(nested), "Implementation-Version", starter))
						: null,
				Map.of());
	}

	private static byte[] nestedManifest(byte[] jar) {
		try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
			for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
				if (entry.getName().equals("META-INF/MANIFEST.MF")) {
					return in.readAllBytes();
				}
			}
			return "Manifest-Version: 1.0\n".getBytes(StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private Path write(Path target, java.util.function.Function<String, UnaryOperator<byte[]>> changes,
			Map<String, byte[]> added) throws IOException {
		try (ZipFile source = new ZipFile(this.sample.toFile());
				ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
			Enumeration<? extends ZipEntry> entries = source.entries();
			while (entries.hasMoreElements()) {
				ZipEntry entry = entries.nextElement();
				byte[] content;
				try (InputStream in = source.getInputStream(entry)) {
					content = in.readAllBytes();
				}
				UnaryOperator<byte[]> change = changes.apply(entry.getName());
				put(out, entry.getName(), (change != null) ? change.apply(content) : content,
						entry.getMethod() == ZipEntry.STORED);
			}
			for (Map.Entry<String, byte[]> entry : added.entrySet()) {
				put(out, entry.getKey(), entry.getValue(), false);
			}
		}
		return target;
	}

	private static byte[] rewriteNested(byte[] jar, String name, byte[] content) {
		try {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar));
					ZipOutputStream out = new ZipOutputStream(bytes)) {
				for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
					byte[] original = in.readAllBytes();
					put(out, entry.getName(), entry.getName().equals(name) ? content : original, false);
				}
			}
			return bytes.toByteArray();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] manifest(byte[] bytes, String name, String value) {
		try {
			Manifest manifest = new Manifest(new ByteArrayInputStream(bytes));
			manifest.getMainAttributes().putValue(name, value);
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			manifest.write(out);
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void put(ZipOutputStream out, String name, byte[] content, boolean stored) throws IOException {
		ZipEntry entry = new ZipEntry(name);
		if (stored) {
			CRC32 crc = new CRC32();
			crc.update(content);
			entry.setMethod(ZipEntry.STORED);
			entry.setSize(content.length);
			entry.setCompressedSize(content.length);
			entry.setCrc(crc.getValue());
		}
		out.putNextEntry(entry);
		out.write(content);
		out.closeEntry();
	}

	/** Write a file in place, as a build overwriting the running jar does: the same inode, new content. */
	static void overwriteInPlace(Path file, Path content) throws IOException {
		try (OutputStream out = Files.newOutputStream(file)) {
			Files.copy(content, out);
		}
	}

}
