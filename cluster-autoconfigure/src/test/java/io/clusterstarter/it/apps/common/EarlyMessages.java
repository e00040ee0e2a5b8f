package io.clusterstarter.it.apps.common;

import java.util.Map;

import io.clusterstarter.Cluster;
import io.clusterstarter.event.PrimaryMessageEvent;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * With {@code cluster-test.early-messages=true}: a worker sends a message while its context is
 * still being created, and answers every greeting the primary sends, so that a test sees which
 * messages sent early arrived, and in which order.
 */
@Component
class EarlyMessages {

	private final Cluster cluster;

	private final boolean enabled;

	EarlyMessages(Cluster cluster, @Value("${cluster-test.early-messages:false}") boolean enabled) {
		this.cluster = cluster;
		this.enabled = enabled;
		if (enabled) {
			cluster.worker().ifPresent((worker) -> worker.send(Map.of("early", "from the constructor")));
		}
	}

	@EventListener
	void onPrimaryMessage(PrimaryMessageEvent event) {
		if (this.enabled && event.getMessage().payload().has("greeting")) {
			this.cluster.worker()
				.ifPresent((worker) -> worker.send(Map.of("received", event.getMessage().payload().get("greeting"))));
		}
	}

}
