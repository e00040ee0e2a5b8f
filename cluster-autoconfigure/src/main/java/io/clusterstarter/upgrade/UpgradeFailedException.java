package io.clusterstarter.upgrade;

/**
 * An upgrade of the primary that did not happen: the new primary exited, gave up, or was not
 * ready in time, and was stopped; the old primary carries on with its workers.
 *
 * @author cluster-spring-boot-starter
 */
public class UpgradeFailedException extends RuntimeException {

	/**
	 * Create the exception.
	 * @param reason why the upgrade failed
	 */
	public UpgradeFailedException(String reason) {
		super(reason);
	}

}
