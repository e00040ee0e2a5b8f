package io.clusterstarter.supervise;

import java.util.Collection;
import java.util.Comparator;
import java.util.function.Predicate;

import io.clusterstarter.WorkerState;
import io.clusterstarter.ipc.IpcConnection;
import io.clusterstarter.ipc.IpcMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Chooses the lead worker, the one that runs {@code @OnOneWorker} methods, and moves the lead
 * without ever letting two workers hold it. The lead goes to the serving worker in the lowest
 * slot and stays there while that worker serves. Once it leaves (disconnected, recycled, replaced,
 * stopping on its own, hung and killed, crashed), the lead is taken back, and given to another
 * serving worker only when the previous one has said its running calls are done, or has exited.
 * Used on the cluster's event loop only.
 *
 * @author cluster-spring-boot-starter
 */
public final class LeadAssignment {

	private static final Log logger = LogFactory.getLog(LeadAssignment.class);

	/** The worker holding the lead, or giving it back; {@code null} when nobody has it. */
	private SupervisedWorker holder;

	private boolean releasing;

	/**
	 * Give, take back or move the lead after any change in the workers.
	 * @param <W> the workers' type
	 * @param workers the live workers
	 * @param serving which of them serve
	 */
	public <W extends SupervisedWorker> void update(Collection<W> workers, Predicate<W> serving) {
		if (this.holder != null && this.holder.state() == WorkerState.DEAD) {
			// Gone: whatever it ran has stopped with it
			this.holder = null;
			this.releasing = false;
		}
		if (this.holder != null) {
			if (this.holder.isLeaving() && !this.releasing) {
				this.releasing = true;
				IpcConnection connection = this.holder.connection();
				if (connection != null) {
					connection.send(new IpcMessage.Lead(false));
				}
			}
			return;
		}
		workers.stream()
			.filter((worker) -> !worker.isLeaving() && worker.connection() != null && serving.test(worker))
			.min(Comparator.comparingInt(W::slot).thenComparingInt(W::id))
			.ifPresent(this::grant);
	}

	private void grant(SupervisedWorker worker) {
		if (worker.connection().send(new IpcMessage.Lead(true))) {
			this.holder = worker;
			this.releasing = false;
			logger.info(worker + " is the lead worker");
		}
	}

	/**
	 * The worker has given the lead back: no call runs there any more, and the next
	 * {@link #update} may give the lead to another worker.
	 * @param worker the worker
	 */
	public void released(SupervisedWorker worker) {
		if (worker == this.holder && this.releasing) {
			this.holder = null;
			this.releasing = false;
		}
	}

	/**
	 * Return whether a worker holds the lead (and is not giving it back).
	 * @param worker the worker
	 * @return whether it is the lead worker
	 */
	public boolean isLead(SupervisedWorker worker) {
		return worker == this.holder && !this.releasing;
	}

}
