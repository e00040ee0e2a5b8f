package io.clusterstarter.autoconfigure;

/**
 * Thrown when the cluster cannot start as configured. Carries the description and action that
 * {@link ClusterConfigurationFailureAnalyzer} turns into Spring Boot's failure report.
 *
 * @author cluster-spring-boot-starter
 */
public class ClusterConfigurationException extends RuntimeException {

	private final String description;

	private final String action;

	/**
	 * Create an exception.
	 * @param description what is wrong
	 * @param action what the user should do
	 */
	public ClusterConfigurationException(String description, String action) {
		super(description);
		this.description = description;
		this.action = action;
	}

	/**
	 * Return what is wrong.
	 * @return the description
	 */
	public String getDescription() {
		return this.description;
	}

	/**
	 * Return what the user should do.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
