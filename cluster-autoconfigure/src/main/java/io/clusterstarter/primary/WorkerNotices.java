package io.clusterstarter.primary;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Logs the warnings workers send about state each of them keeps of its own (an in-memory
 * database, HTTP sessions, SQL initialisation that every worker runs): once for the cluster's
 * life, however many workers, replacements included, send the same one. Raise this logger's
 * level to silence them.
 *
 * @author cluster-spring-boot-starter
 */
final class WorkerNotices {

	private static final Log logger = LogFactory.getLog(WorkerNotices.class);

	private final Set<String> logged = ConcurrentHashMap.newKeySet();

	/**
	 * Log a worker's notice unless one of its kind was logged already.
	 * @param worker the worker that sent it
	 * @param key what it is about
	 * @param text the warning
	 * @param severalWorkersOnly whether it matters only with more than one worker
	 * @param configuredWorkers the number of workers the cluster keeps
	 */
	void received(ManagedWorker worker, String key, String text, boolean severalWorkersOnly, int configuredWorkers) {
		if (key.isEmpty() || (severalWorkersOnly && configuredWorkers < 2) || !this.logged.add(key)) {
			return;
		}
		logger.warn(text + " (noticed by " + worker + "; said once)");
	}

}
