package io.clusterstarter.supervise;

import java.time.Instant;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.Worker;
import io.clusterstarter.ipc.IpcConnection;

/**
 * A worker as the supervision policies see it: the public {@link Worker} and what only the
 * primary knows of it (its link, its heartbeat, whether it is leaving or was killed). The
 * primary's workers implement it.
 *
 * @author cluster-spring-boot-starter
 */
public interface SupervisedWorker extends Worker {

	/**
	 * Return the worker's link to the primary.
	 * @return the connection, or {@code null} before the worker connects
	 */
	IpcConnection connection();

	/**
	 * Return when the worker was forked.
	 * @return the fork's time
	 */
	Instant startTime();

	/**
	 * Return whether the worker has said it is ready.
	 * @return whether it is ready
	 */
	boolean isReady();

	/**
	 * Return the worker's warm-up as it last reported it.
	 * @return the warm-up, or {@code null} for a worker that has not started one
	 */
	ClusterSnapshot.Warmup warmup();

	/**
	 * Return the time of the worker's last heartbeat.
	 * @return the time, or {@code null} before the first
	 */
	Instant lastHeartbeat();

	/**
	 * Return whether the worker is on its way out (disconnected, or stopping on its own).
	 * @return whether it is leaving
	 */
	boolean isLeaving();

	/**
	 * Return when the worker began to leave.
	 * @return the time, or {@code null} while it stays
	 */
	Instant leavingSince();

	/**
	 * Note that the primary kills the worker, and why, once.
	 * @param reason why, for its exit
	 * @return {@code false} if it was already being killed
	 */
	boolean markKilled(String reason);

	/**
	 * Return why the primary killed the worker.
	 * @return the reason, or {@code null}
	 */
	String killedBecause();

	/**
	 * Kill the worker's JVM and every process it started, at once.
	 */
	void destroyForcibly();

}
