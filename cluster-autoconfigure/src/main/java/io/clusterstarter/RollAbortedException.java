package io.clusterstarter;

/**
 * Why a rolling restart, or a deploy's roll or rollback, stopped before every slot was
 * replaced: a new worker exited, was not ready within {@code cluster.startup-timeout}, or the
 * cluster began to shut down. The future {@link Cluster#rollingRestart()} returns fails with it.
 *
 * @author cluster-spring-boot-starter
 */
public class RollAbortedException extends IllegalStateException {

	private final String reason;

	/**
	 * Create a new instance.
	 * @param description what the roll was, such as {@code Rolling restart} or
	 * {@code Deploy of 2.0.0}
	 * @param reason why it stopped
	 */
	public RollAbortedException(String description, String reason) {
		super(description + " aborted: " + reason);
		this.reason = reason;
	}

	/**
	 * Return the reason alone, without the roll's description.
	 * @return the reason
	 */
	public String reason() {
		return this.reason;
	}

}
