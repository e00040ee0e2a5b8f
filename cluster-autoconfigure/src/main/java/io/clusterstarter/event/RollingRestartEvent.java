package io.clusterstarter.event;

import java.util.Optional;

import org.springframework.context.ApplicationEvent;

/**
 * A rolling restart started, completed or was aborted. Published in the primary.
 *
 * @author cluster-spring-boot-starter
 */
public class RollingRestartEvent extends ApplicationEvent {

	private final Phase phase;

	private final int replaced;

	private final String reason;

	/**
	 * Create an event.
	 * @param source the cluster
	 * @param phase where the rolling restart is
	 * @param replaced how many workers have been replaced so far
	 * @param reason why it was aborted, or {@code null}
	 */
	public RollingRestartEvent(Object source, Phase phase, int replaced, String reason) {
		super(source);
		this.phase = phase;
		this.replaced = replaced;
		this.reason = reason;
	}

	/**
	 * Return where the rolling restart is.
	 * @return the phase
	 */
	public Phase getPhase() {
		return this.phase;
	}

	/**
	 * Return how many workers have been replaced so far.
	 * @return the number of workers replaced
	 */
	public int getReplaced() {
		return this.replaced;
	}

	/**
	 * Return why the rolling restart was aborted.
	 * @return the reason, when {@link Phase#ABORTED}
	 */
	public Optional<String> getReason() {
		return Optional.ofNullable(this.reason);
	}

	/**
	 * Where a rolling restart is.
	 */
	public enum Phase {

		/** It has started. */
		STARTED,

		/** Every worker has been replaced. */
		COMPLETED,

		/** It stopped early; the workers not yet replaced keep serving. */
		ABORTED

	}

}
