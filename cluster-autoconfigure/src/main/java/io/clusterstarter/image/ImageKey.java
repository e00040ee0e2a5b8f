package io.clusterstarter.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Names a worker image by everything its class-data cache depends on, so that an image is
 * reused only where the JVM would accept its cache, and anything else gets a new one:
 * <ul>
 * <li>the content of the application's jars (a rebuilt jar is another image even when its name
 * and time stay), and for a launch from plain jars their paths too, which the JVM checks;</li>
 * <li>the JVM: vendor, exact version and installation;</li>
 * <li>the JVM options the workers are given by the user (the primary's own and
 * {@code cluster.exec-argv}): a cache made with one collector, heap mode, agent or JFR setting is
 * silently ignored under another; and the training run's own arguments.</li>
 * </ul>
 * The options the primary computes itself (the processor count and memory share) are left out:
 * they change with the number of workers and do not change what the JVM accepts; each worker's
 * use of the cache is checked anyway.
 *
 * @author cluster-spring-boot-starter
 */
public final class ImageKey {

	private ImageKey() {
	}

	/**
	 * Compute the key.
	 * @param source what the image is made from
	 * @param jvm the JVM's identity, see {@link #currentJvm()}
	 * @param options the workers' JVM options as the user gave them
	 * @return the key, 32 hexadecimal digits
	 * @throws IOException if a jar cannot be read
	 */
	public static String of(ImageSource source, String jvm, List<String> options) throws IOException {
		MessageDigest digest = sha256();
		if (source.explodedJar() != null) {
			ExplodedJar.hash(digest, source.explodedJar());
		}
		for (Path jar : source.jars()) {
			if (source.executableJar() == null) {
				update(digest, "path", jar.toAbsolutePath().toString());
			}
			digest.update((byte) 0);
			if (source.contentSha256() != null) {
				update(digest, "sha256", source.contentSha256());
			}
			else {
				updateWithContent(digest, jar);
			}
		}
		update(digest, "jvm", jvm);
		for (String option : options) {
			update(digest, "option", option);
		}
		return HexFormat.of().formatHex(digest.digest(), 0, 16);
	}

	/**
	 * The identity of the running JVM, which the workers run too.
	 * @return vendor, version and installation directory
	 */
	public static String currentJvm() {
		return System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version") + " ("
				+ System.getProperty("java.home") + ")";
	}

	private static void update(MessageDigest digest, String label, String value) {
		digest.update((label + "=" + value + "\0").getBytes(StandardCharsets.UTF_8));
	}

	static void updateWithContent(MessageDigest digest, Path file) throws IOException {
		try (InputStream in = Files.newInputStream(file)) {
			byte[] buffer = new byte[256 * 1024];
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				digest.update(buffer, 0, read);
			}
		}
	}

	static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every JVM has SHA-256", ex);
		}
	}

}
