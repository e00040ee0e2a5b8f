package io.clusterstarter.image;

/**
 * The JVM's class-data cache for a worker image, chosen by the Java version: the AOT cache of
 * JEP 483/514 (loaded and linked classes plus method profiles) from Java 25, where one training
 * run writes it; CDS's dynamic archive before that (Java 24's two-step AOT cache is not used).
 *
 * @author cluster-spring-boot-starter
 */
public enum CacheFormat {

	/** A dynamic CDS archive (JEP 350), layered on the JDK's own. */
	CDS_ARCHIVE("app.jsa", "-XX:ArchiveClassesAtExit=", "-XX:SharedArchiveFile="),

	/** An AOT cache (JEP 483, one-step creation by JEP 514). */
	AOT_CACHE("app.aot", "-XX:AOTCacheOutput=", "-XX:AOTCache=");

	private final String fileName;

	private final String writeOption;

	private final String readOption;

	CacheFormat(String fileName, String writeOption, String readOption) {
		this.fileName = fileName;
		this.writeOption = writeOption;
		this.readOption = readOption;
	}

	/**
	 * Return the format for a Java feature version.
	 * @param feature the feature version, such as 17 or 25
	 * @return the format
	 */
	public static CacheFormat forJava(int feature) {
		return (feature >= 25) ? AOT_CACHE : CDS_ARCHIVE;
	}

	/**
	 * The name of the cache file in an image's directory.
	 * @return the file name
	 */
	public String fileName() {
		return this.fileName;
	}

	/**
	 * The option that makes a training run write the cache.
	 * @param file the cache file
	 * @return the option
	 */
	public String writeOption(String file) {
		return this.writeOption + file;
	}

	/**
	 * The option that makes a worker start from the cache.
	 * @param file the cache file
	 * @return the option
	 */
	public String readOption(String file) {
		return this.readOption + file;
	}

}
