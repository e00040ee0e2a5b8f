package io.clusterstarter.event;

import java.util.Optional;

import io.clusterstarter.ClusterSnapshot;

import org.springframework.context.ApplicationEvent;

/**
 * An upgrade of the primary started, completed (the new primary took over), or failed (the new
 * primary was stopped and this one carries on). Published in the old primary, once for each
 * phase an upgrade reaches.
 *
 * @author cluster-spring-boot-starter
 */
public class UpgradeEvent extends ApplicationEvent {

	private final Phase phase;

	private final ClusterSnapshot.Release release;

	private final Long newPrimaryPid;

	private final String reason;

	/**
	 * Create an event.
	 * @param source the cluster
	 * @param phase where the upgrade is
	 * @param release the release the new primary runs
	 * @param newPrimaryPid the new primary's pid, or {@code null} before it was started
	 * @param reason why it failed, or {@code null}
	 */
	public UpgradeEvent(Object source, Phase phase, ClusterSnapshot.Release release, Long newPrimaryPid,
			String reason) {
		super(source);
		this.phase = phase;
		this.release = release;
		this.newPrimaryPid = newPrimaryPid;
		this.reason = reason;
	}

	/**
	 * Return where the upgrade is.
	 * @return the phase
	 */
	public Phase getPhase() {
		return this.phase;
	}

	/**
	 * Return the release the new primary runs.
	 * @return the release
	 */
	public ClusterSnapshot.Release getRelease() {
		return this.release;
	}

	/**
	 * Return the new primary's pid.
	 * @return the pid, once it was started
	 */
	public Optional<Long> getNewPrimaryPid() {
		return Optional.ofNullable(this.newPrimaryPid);
	}

	/**
	 * Return why the upgrade failed.
	 * @return the reason, for {@link Phase#FAILED}
	 */
	public Optional<String> getReason() {
		return Optional.ofNullable(this.reason);
	}

	/**
	 * Where an upgrade is.
	 */
	public enum Phase {

		/** The release passed its checks; its primary starts and forks its workers. */
		STARTED,

		/** The new primary's workers are ready and it holds the control socket: this primary retires. */
		COMPLETED,

		/** The new primary exited or was not ready in time; it was stopped and this primary carries on. */
		FAILED

	}

}
