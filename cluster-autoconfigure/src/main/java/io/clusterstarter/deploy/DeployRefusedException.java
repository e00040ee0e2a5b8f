package io.clusterstarter.deploy;

/**
 * A deploy refused before any worker was touched: the artifact is missing, unreadable or not an
 * application this cluster can run, or the cluster cannot deploy now. Nothing was forked and
 * nothing changed.
 *
 * @author cluster-spring-boot-starter
 */
public class DeployRefusedException extends RuntimeException {

	private final boolean conflict;

	/**
	 * Create the exception.
	 * @param message why the deploy was refused, and what to do
	 * @param conflict {@code true} when the artifact is valid but does not fit this cluster or
	 * its state (HTTP 409), {@code false} when the request itself is wrong (HTTP 400)
	 */
	public DeployRefusedException(String message, boolean conflict) {
		super(message);
		this.conflict = conflict;
	}

	/**
	 * Return whether the artifact or request is fine in itself but conflicts with this cluster
	 * (another application, a newer Java, another IPC protocol, a deploy under way).
	 * @return {@code true} for a conflict (409), {@code false} for a bad request (400)
	 */
	public boolean isConflict() {
		return this.conflict;
	}

	static DeployRefusedException badArtifact(String message) {
		return new DeployRefusedException(message, false);
	}

	static DeployRefusedException conflict(String message) {
		return new DeployRefusedException(message, true);
	}

}
