package io.clusterstarter.ipc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of the IPC protocol between the primary and its workers. It is kept in a resource
 * of the starter's jar ({@value #RESOURCE}) rather than only in code, so that a primary can read
 * it from a release it is asked to deploy, before any of that release's workers is forked.
 *
 * @author cluster-spring-boot-starter
 */
public final class IpcProtocol {

	/** Where the starter's jar keeps its protocol version. */
	public static final String RESOURCE = "META-INF/cluster-spring-boot/ipc.properties";

	/** What this starter's own resource declares, read once. */
	private static final Versions DECLARED = read();

	/** The version this starter speaks. */
	public static final int VERSION = DECLARED.ipc();

	/**
	 * The version of the hand-over this starter's primary makes to the new primary of an
	 * upgrade, and takes as one.
	 */
	public static final int UPGRADE_VERSION = DECLARED.upgrade();

	private IpcProtocol() {
	}

	/**
	 * Read the protocol version from the content of {@value #RESOURCE}.
	 * @param in the resource's content
	 * @return the version, or 0 when the resource names none
	 * @throws IOException if it cannot be read
	 */
	public static int versionOf(InputStream in) throws IOException {
		return declared(in).ipc();
	}

	/**
	 * Read the versions a starter declares from the content of {@value #RESOURCE}.
	 * @param in the resource's content
	 * @return the versions, 0 for each it names none of
	 * @throws IOException if it cannot be read
	 */
	public static Versions declared(InputStream in) throws IOException {
		Properties properties = new Properties();
		properties.load(in);
		return new Versions(number(properties, "protocol"), number(properties, "upgrade"));
	}

	private static int number(Properties properties, String key) {
		try {
			return Integer.parseInt(properties.getProperty(key, "0").strip());
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private static Versions read() {
		try (InputStream in = IpcProtocol.class.getClassLoader().getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException(RESOURCE + " is missing from the starter's jar");
			}
			return declared(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The versions a starter declares.
	 * @param ipc the primary-worker protocol, 0 when none is declared
	 * @param upgrade the primary-to-primary hand-over, 0 for a starter older than upgrades
	 */
	public record Versions(int ipc, int upgrade) {
	}

}
