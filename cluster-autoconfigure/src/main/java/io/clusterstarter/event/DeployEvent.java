package io.clusterstarter.event;

import java.util.Optional;

import io.clusterstarter.ClusterSnapshot;

import org.springframework.context.ApplicationEvent;

/**
 * A deploy started, completed, was rolled back, or failed even to roll back. Published in the
 * primary, once for each phase a deploy reaches.
 *
 * @author cluster-spring-boot-starter
 */
public class DeployEvent extends ApplicationEvent {

	private final Phase phase;

	private final ClusterSnapshot.Release release;

	private final ClusterSnapshot.Release previous;

	private final String reason;

	/**
	 * Create an event.
	 * @param source the cluster
	 * @param phase where the deploy is
	 * @param release the release being deployed
	 * @param previous the release the cluster ran before it
	 * @param reason why it was rolled back or failed, or {@code null}
	 */
	public DeployEvent(Object source, Phase phase, ClusterSnapshot.Release release, ClusterSnapshot.Release previous,
			String reason) {
		super(source);
		this.phase = phase;
		this.release = release;
		this.previous = previous;
		this.reason = reason;
	}

	/**
	 * Return where the deploy is.
	 * @return the phase
	 */
	public Phase getPhase() {
		return this.phase;
	}

	/**
	 * Return the release being deployed.
	 * @return the release
	 */
	public ClusterSnapshot.Release getRelease() {
		return this.release;
	}

	/**
	 * Return the release the cluster ran before the deploy, which a rollback restores.
	 * @return the previous release
	 */
	public ClusterSnapshot.Release getPrevious() {
		return this.previous;
	}

	/**
	 * Return why the deploy was rolled back or failed.
	 * @return the reason, for {@link Phase#ROLLED_BACK} and {@link Phase#FAILED}
	 */
	public Optional<String> getReason() {
		return Optional.ofNullable(this.reason);
	}

	/**
	 * Where a deploy is.
	 */
	public enum Phase {

		/** It passed its checks; its image is prepared, then the workers are replaced. */
		STARTED,

		/** Every slot runs the new release. */
		COMPLETED,

		/** A new worker failed; every slot runs the previous release again. */
		ROLLED_BACK,

		/** A new worker failed and the rollback could not restore every slot either. */
		FAILED

	}

}
