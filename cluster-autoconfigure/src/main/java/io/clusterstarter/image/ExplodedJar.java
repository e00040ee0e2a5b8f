package io.clusterstarter.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * An executable Spring Boot jar unpacked into a directory and run from it with
 * {@code java -cp DIR org.springframework.boot.loader.launch.JarLauncher}: the layout Cloud
 * Native Buildpacks ({@code spring-boot:build-image}) and {@code -Djarmode=tools extract
 * --launcher} produce. The JVM caches classes from jar files only, and Spring Boot's extraction
 * reads a jar, so the directory is packed into a jar again (nested jars stored, as Spring Boot
 * writes them), which is then extracted like any executable jar.
 *
 * @author cluster-spring-boot-starter
 */
final class ExplodedJar {

	private static final String MANIFEST = "META-INF/MANIFEST.MF";

	private ExplodedJar() {
	}

	/**
	 * Return whether a directory holds an unpacked executable Spring Boot jar: a manifest that
	 * names a {@code Start-Class}, and {@code BOOT-INF/}.
	 * @param directory the directory
	 * @return whether it is one
	 */
	static boolean isExplodedJar(Path directory) {
		Path manifest = directory.resolve(MANIFEST);
		if (!Files.isRegularFile(manifest) || !Files.isDirectory(directory.resolve("BOOT-INF"))) {
			return false;
		}
		try (InputStream in = Files.newInputStream(manifest)) {
			return new Manifest(in).getMainAttributes().getValue("Start-Class") != null;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Add the directory's content to a digest: every file's path and bytes, in a fixed order.
	 * @param digest the digest
	 * @param directory the directory
	 * @throws IOException if a file cannot be read
	 */
	static void hash(MessageDigest digest, Path directory) throws IOException {
		for (Path file : files(directory)) {
			if (Files.isRegularFile(file)) {
				digest.update((directory.relativize(file).toString().replace('\\', '/') + "\0").getBytes(StandardCharsets.UTF_8));
				ImageKey.updateWithContent(digest, file);
			}
		}
	}

	/**
	 * Pack the directory into a jar, the manifest first and every entry stored.
	 * @param directory the directory
	 * @param jar the jar to write
	 * @throws IOException if it cannot be read or written
	 */
	static void pack(Path directory, Path jar) throws IOException {
		try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
			out.setMethod(ZipOutputStream.STORED);
			write(out, "META-INF/", null);
			write(out, MANIFEST, directory.resolve(MANIFEST));
			for (Path file : files(directory)) {
				String name = directory.relativize(file).toString().replace('\\', '/');
				if (name.isEmpty() || name.equals("META-INF") || name.equals(MANIFEST)) {
					continue;
				}
				write(out, Files.isDirectory(file) ? name + "/" : name, Files.isDirectory(file) ? null : file);
			}
		}
	}

	private static List<Path> files(Path directory) throws IOException {
		try (Stream<Path> walk = Files.walk(directory)) {
			List<Path> files = new ArrayList<>(walk.toList());
			files.sort(Comparator.comparing((path) -> directory.relativize(path).toString()));
			return files;
		}
	}

	/** Write one stored entry: its size and checksum come first, so the file is read twice. */
	private static void write(ZipOutputStream out, String name, Path file) throws IOException {
		ZipEntry entry = new ZipEntry(name);
		CRC32 crc = new CRC32();
		long size = 0;
		if (file != null) {
			try (InputStream in = Files.newInputStream(file)) {
				byte[] buffer = new byte[64 * 1024];
				for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
					crc.update(buffer, 0, read);
					size += read;
				}
			}
			entry.setTime(Files.getLastModifiedTime(file).toMillis());
		}
		entry.setSize(size);
		entry.setCompressedSize(size);
		entry.setCrc(crc.getValue());
		out.putNextEntry(entry);
		if (file != null) {
			Files.copy(file, (OutputStream) out);
		}
		out.closeEntry();
	}

}
