package io.clusterstarter.deploy;

import io.clusterstarter.command.JvmLaunch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Notices the jar the primary runs from (the file, not a symlink to it) being changed under it:
 * overwritten in place (what a rebuild with {@code mvn package} does), replaced by another file,
 * or deleted. Nothing breaks
 * (the primary loaded what it needs early, and the workers run their release's private copy),
 * but the user is told once, as a WARN, what happened and how to deploy safely. Checked from the
 * cluster's event loop: one {@code stat} a second.
 *
 * @author cluster-spring-boot-starter
 */
public final class LaunchedJarWatch {

	private static final Log logger = LogFactory.getLog(LaunchedJarWatch.class);

	private final Path jar;

	private final Fingerprint launched;

	private String warned;

	/**
	 * What identifies a file's content cheaply.
	 */
	private record Fingerprint(Object fileKey, long size, long modified) {

		static Fingerprint of(Path file) {
			try {
				BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
				return new Fingerprint(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime().toMillis());
			}
			catch (IOException ex) {
				return null;
			}
		}

	}

	private LaunchedJarWatch(Path jar, Fingerprint launched) {
		this.jar = jar;
		this.launched = launched;
	}

	/**
	 * Watch the jar of a {@code java -jar} launch.
	 * @param launch the primary's launch
	 * @return the watch, or {@code null} for another launch
	 */
	public static LaunchedJarWatch of(JvmLaunch launch) {
		if (!launch.isJar()) {
			return null;
		}
		// The file itself: a symlink (releases/current) moved to the next release is the safe way
		// to deploy, and changes nothing the primary runs from
		Path jar;
		try {
			jar = Path.of(launch.absolute(launch.classPath())).toRealPath();
		}
		catch (IOException ex) {
			return null;
		}
		Fingerprint launched = Fingerprint.of(jar);
		return (launched != null) ? new LaunchedJarWatch(jar, launched) : null;
	}

	/**
	 * Check the jar, and warn once for each kind of change.
	 * @param running the release the cluster runs now, for the message
	 */
	public void check(Release running) {
		Fingerprint now = Fingerprint.of(this.jar);
		String change;
		if (now == null) {
			change = "was deleted";
		}
		else if (!Objects.equals(now.fileKey(), this.launched.fileKey())) {
			change = "was replaced by another file";
		}
		else if (now.size() != this.launched.size() || now.modified() != this.launched.modified()) {
			change = "was overwritten in place (a rebuild over the running jar, as mvn package does)";
		}
		else {
			return;
		}
		if (change.equals(this.warned)) {
			return;
		}
		this.warned = change;
		logger.warn(this.jar + ", the jar this primary was launched from, " + change + " while the cluster runs. "
				+ "Nothing breaks: the primary loaded the classes it needs at start, and the workers run " + running
				+ " from their own copy. But the primary stays on the starter version it started with, and a JVM "
				+ "reading a jar that changes under it can fail on any class it has not loaded yet. To ship a new "
				+ "version, build it to a new file and deploy it: SIGHUP deploys " + this.jar
				+ " (or cluster.deploy.artifact) when its content changed, and POST /actuator/cluster "
				+ "{\"action\": \"deploy\", \"artifact\": ...} deploys from cluster.deploy.directory");
	}

}
