package io.clusterstarter.worker;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Whether this worker is the cluster's lead worker, the one that runs
 * {@link io.clusterstarter.OnOneWorker @OnOneWorker} methods, and the calls of those methods
 * running now. When the primary takes the lead back, no new call starts, and the primary hears
 * that the lead is released only once the calls already running have returned: only then may it
 * give the lead to another worker.
 *
 * @author cluster-spring-boot-starter
 */
public final class LeadWorker {

	private static final Log logger = LogFactory.getLog(LeadWorker.class);

	private final String name;

	private final Runnable released;

	private boolean lead;

	private boolean releasing;

	private int running;

	/**
	 * Create the lead state of a worker, not the lead until the primary says so.
	 * @param name the worker, for the log
	 * @param released tells the primary the lead is released
	 */
	LeadWorker(String name, Runnable released) {
		this.name = name;
		this.released = released;
	}

	/**
	 * The lead state of an application that runs without clustering: always the lead.
	 * @return a lead state that is always the lead
	 */
	public static LeadWorker always() {
		LeadWorker always = new LeadWorker("the application", () -> {
		});
		always.lead = true;
		return always;
	}

	/**
	 * Return whether this worker is the lead worker now.
	 * @return whether it is the lead
	 */
	public synchronized boolean isLead() {
		return this.lead;
	}

	/**
	 * Start a call of an {@code @OnOneWorker} method if this worker is the lead.
	 * @return {@code true} if the call may run; then {@link #leave()} must follow it
	 */
	public synchronized boolean enter() {
		if (!this.lead) {
			return false;
		}
		this.running++;
		return true;
	}

	/**
	 * A call started with {@link #enter()} has returned.
	 */
	public synchronized void leave() {
		this.running--;
		if (this.running == 0 && this.releasing) {
			release();
		}
	}

	synchronized void grant() {
		if (!this.lead) {
			logger.info(capitalized() + " is now the lead worker: @OnOneWorker methods run here");
		}
		this.lead = true;
		this.releasing = false;
	}

	synchronized void revoke() {
		if (this.lead) {
			logger.info(capitalized() + " is no longer the lead worker");
		}
		this.lead = false;
		this.releasing = true;
		if (this.running == 0) {
			release();
		}
	}

	private void release() {
		this.releasing = false;
		this.released.run();
	}

	private String capitalized() {
		return Character.toUpperCase(this.name.charAt(0)) + this.name.substring(1);
	}

}
