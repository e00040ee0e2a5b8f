package io.clusterstarter.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Guards the workers against a damaged class-data cache. The JVM maps the file as it finds it:
 * measured on JDK 17, a truncated archive crashes every JVM that uses it (SIGBUS while it
 * relocates the archive) rather than being ignored. So the cache's size and SHA-256 are recorded
 * when it is made, checked before the image is first used, and its size and time before every
 * fork after that.
 *
 * @param file the cache file
 * @param size its size when checked
 * @param modified its modification time when checked
 * @author cluster-spring-boot-starter
 */
record CacheCheck(Path file, long size, FileTime modified) {

	static CacheCheck of(Path file) throws IOException {
		BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
		return new CacheCheck(file, attributes.size(), attributes.lastModifiedTime());
	}

	/**
	 * Return whether the file is still the one that was checked.
	 * @return whether its size and time are the same
	 */
	boolean isUnchanged() {
		try {
			CacheCheck now = of(this.file);
			return now.size == this.size && now.modified.equals(this.modified);
		}
		catch (IOException ex) {
			return false;
		}
	}

	/**
	 * Say what is wrong with a cache file, or {@code null} when it is as it was made.
	 * @param file the file
	 * @param size its recorded size
	 * @param sha256 its recorded checksum
	 * @return the damage, or {@code null}
	 */
	static String damage(Path file, String size, String sha256) {
		try {
			if (!String.valueOf(Files.size(file)).equals(size)) {
				return "the class-data cache " + file + " is damaged: " + Files.size(file) + " bytes where " + size
						+ " were written";
			}
			if (!sha256(file).equals(sha256)) {
				return "the class-data cache " + file + " is damaged: its checksum differs from the one recorded when "
						+ "it was made";
			}
			return null;
		}
		catch (IOException ex) {
			return "the class-data cache " + file + " cannot be read: " + ex.getMessage();
		}
	}

	static String sha256(Path file) throws IOException {
		MessageDigest digest = ImageKey.sha256();
		ImageKey.updateWithContent(digest, file);
		return HexFormat.of().formatHex(digest.digest());
	}

}
