package io.clusterstarter.sample;

import io.clusterstarter.ClusterPrimaryComponent;
import io.clusterstarter.event.DeployEvent;
import io.clusterstarter.event.WorkerExitEvent;
import io.clusterstarter.event.WorkerListeningEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.event.EventListener;

/**
 * Runs in the primary only: logs each worker that starts listening, each that exits, and each
 * phase of a deploy.
 *
 * @author cluster-spring-boot-starter
 */
@ClusterPrimaryComponent
class WorkerExitLogger {

	private static final Log logger = LogFactory.getLog(WorkerExitLogger.class);

	@EventListener
	void onListening(WorkerListeningEvent event) {
		if (event.getNamespace() == null) {
			logger.info("Worker " + event.getWorker().id() + " (pid " + event.getWorker().pid() + ") listening on port "
					+ event.getPort());
		}
	}

	@EventListener
	void onDeploy(DeployEvent event) {
		logger.info("Deploy " + event.getPhase() + ": " + event.getRelease().version() + " (previously "
				+ ((event.getPrevious() != null) ? event.getPrevious().version() : "none") + ")"
				+ event.getReason().map((reason) -> ": " + reason).orElse(""));
	}

	@EventListener
	void onExit(WorkerExitEvent event) {
		logger.info("Worker " + event.getWorker().id() + " (pid " + event.getWorker().pid() + ") exited with code "
				+ event.getExitCode() + event.getSignal().map((signal) -> " (" + signal + ")").orElse("")
				+ (event.isExitedAfterDisconnect() ? " after a disconnect" : "")
				+ event.getKilledBecause().map((reason) -> ", killed: " + reason).orElse(""));
	}

}
