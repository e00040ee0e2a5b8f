package io.clusterstarter.event;

import io.clusterstarter.ClusterSettings;

import org.springframework.context.ApplicationEvent;

/**
 * The primary's settings were set: once when the cluster starts, and on each
 * {@link io.clusterstarter.Cluster#setupPrimary(ClusterSettings)}. The settings affect only later
 * forks.
 *
 * @author cluster-spring-boot-starter
 */
public class ClusterSetupEvent extends ApplicationEvent {

	private final ClusterSettings settings;

	/**
	 * Create an event.
	 * @param source the cluster
	 * @param settings the settings now in effect
	 */
	public ClusterSetupEvent(Object source, ClusterSettings settings) {
		super(source);
		this.settings = settings;
	}

	/**
	 * Return the settings now in effect for later forks.
	 * @return the settings
	 */
	public ClusterSettings getSettings() {
		return this.settings;
	}

}
