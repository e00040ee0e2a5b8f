package io.clusterstarter.deploy;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.command.JvmLaunch;
import io.clusterstarter.image.ReleaseStore;
import io.clusterstarter.image.WorkerImages;

/**
 * One release of the application in the primary: the artifact its workers run (the primary's
 * private copy of it), the launch that runs it and its worker image. Every worker and every slot
 * knows its release, so that a crash replacement, a recycle or a rolling restart starts the same
 * release again, and only a deploy moves a slot to another one.
 *
 * @author cluster-spring-boot-starter
 */
public final class Release implements AutoCloseable {

	private final int number;

	private final ReleaseArtifact artifact;

	private final String named;

	private final ReleaseStore.Staged staged;

	private final JvmLaunch launch;

	private final WorkerImages images;

	/**
	 * Create a release.
	 * @param number its number in this primary's life, from 1
	 * @param artifact what the artifact is, or {@code null} for a launch that is not an
	 * executable jar (a class path, a module)
	 * @param named the artifact as named, for a launch without {@code artifact}
	 * @param staged the private copy its workers run, or {@code null} when they run the
	 * launch as it is
	 * @param launch how its workers are launched
	 * @param images its worker image
	 */
	public Release(int number, ReleaseArtifact artifact, String named, ReleaseStore.Staged staged, JvmLaunch launch,
			WorkerImages images) {
		this.number = number;
		this.artifact = artifact;
		this.named = named;
		this.staged = staged;
		this.launch = launch;
		this.images = images;
	}

	/**
	 * Return what the artifact is, or {@code null} for a launch that is not an executable jar.
	 * @return the artifact
	 */
	public ReleaseArtifact artifact() {
		return this.artifact;
	}

	/**
	 * Return how its workers are launched.
	 * @return the launch
	 */
	public JvmLaunch launch() {
		return this.launch;
	}

	/**
	 * Return its worker image.
	 * @return the image
	 */
	public WorkerImages images() {
		return this.images;
	}

	/**
	 * Return the version, or {@code null} when the launch tells none.
	 * @return the version
	 */
	public String version() {
		return (this.artifact != null) ? this.artifact.version() : null;
	}

	/**
	 * Return whether this release has the content of an artifact.
	 * @param sha256 the artifact's SHA-256, in hex
	 * @return whether it is this release's
	 */
	public boolean hasContent(String sha256) {
		return this.artifact != null && this.artifact.sha256().equals(sha256);
	}

	/**
	 * Return the release as the cluster endpoint shows it.
	 * @return the snapshot
	 */
	public ClusterSnapshot.Release snapshot() {
		if (this.artifact == null) {
			return new ClusterSnapshot.Release(null, this.named, null, this.named);
		}
		return new ClusterSnapshot.Release(this.artifact.version(), this.artifact.path().toString(),
				this.artifact.sha256(), this.artifact.file().toString());
	}

	@Override
	public void close() {
		this.images.close();
		if (this.staged != null) {
			this.staged.close();
		}
	}

	@Override
	public String toString() {
		if (this.artifact == null) {
			return "release " + this.number + " (" + this.named + ")";
		}
		// The copy is named after the file itself: app-1.4.0.jar where a symlink named current.jar
		return this.artifact.version() + " (" + this.artifact.file().getFileName() + ", sha256 "
				+ this.artifact.shortSha() + ")";
	}

}
