package io.clusterstarter.worker;

/**
 * Thrown when a worker cannot get an answer from its primary: the channel is closed, or the
 * primary did not answer in time (it may be stopped, overloaded or gone).
 *
 * @author cluster-spring-boot-starter
 */
public class PrimaryUnavailableException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message why the primary is unavailable
	 */
	public PrimaryUnavailableException(String message) {
		super(message);
	}

}
