package io.clusterstarter.it.apps.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.clusterstarter.Cluster;
import io.clusterstarter.ClusterPrimaryComponent;
import io.clusterstarter.ClusterSettings;
import io.clusterstarter.event.ClusterSetupEvent;
import io.clusterstarter.event.RollingRestartEvent;
import io.clusterstarter.event.WorkerDisconnectEvent;
import io.clusterstarter.event.WorkerEvent;
import io.clusterstarter.event.WorkerExitEvent;
import io.clusterstarter.event.WorkerForkEvent;
import io.clusterstarter.event.WorkerListeningEvent;
import io.clusterstarter.event.WorkerMessageEvent;
import io.clusterstarter.event.WorkerOnlineEvent;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;

/**
 * Lives in the primary: writes every cluster event to a file the test reads, and carries out
 * commands the test sends through a worker.
 */
@ClusterPrimaryComponent
class PrimaryProbe {

	private final Cluster cluster;

	private final String eventsFile;

	private final boolean earlyMessages;

	PrimaryProbe(Cluster cluster, @Value("${cluster-test.events-file:}") String eventsFile,
			@Value("${cluster-test.early-messages:false}") boolean earlyMessages) {
		this.cluster = cluster;
		this.eventsFile = eventsFile;
		this.earlyMessages = earlyMessages;
	}

	@EventListener
	void onRollingRestart(RollingRestartEvent event) {
		record("roll " + event.getPhase().name().toLowerCase() + " replaced=" + event.getReplaced()
				+ event.getReason().map((reason) -> " reason=" + reason).orElse(""));
	}

	@EventListener
	void onSetup(ClusterSetupEvent event) {
		record("setup execArgv=" + event.getSettings().execArgv());
	}

	@EventListener
	void onWorkerEvent(WorkerEvent event) {
		int id = event.getWorker().id();
		if (event instanceof WorkerForkEvent) {
			record("fork " + id);
			greet(event, "on-fork");
		}
		else if (event instanceof WorkerOnlineEvent) {
			record("online " + id);
			// As Node delivers a message sent on 'online', however early in the worker's start
			greet(event, "online-1");
			greet(event, "online-2");
		}
		else if (event instanceof WorkerListeningEvent listening) {
			record("listening " + id + " port=" + listening.getPort() + " namespace=" + listening.getNamespace());
		}
		else if (event instanceof WorkerDisconnectEvent) {
			record("disconnect " + id);
		}
		else if (event instanceof WorkerExitEvent exit) {
			record("exit " + id + " code=" + exit.getExitCode() + " signal=" + exit.getSignal().orElse("none")
					+ " planned=" + exit.isExitedAfterDisconnect()
					+ exit.getKilledBecause().map((reason) -> " killed=" + reason).orElse(""));
		}
	}

	@EventListener
	void onMessage(WorkerMessageEvent event) {
		JsonNode payload = event.getMessage().payload();
		record("message " + event.getWorker().id() + " " + payload);
		if (payload.has("echo")) {
			event.getWorker().send(Map.of("reply", "primary says " + payload.get("echo").asString()));
		}
		else if ("fork".equals(payload.path("cmd").asString())) {
			Map<String, String> env = new LinkedHashMap<>();
			payload.get("env").properties().forEach((entry) -> env.put(entry.getKey(), entry.getValue().asString()));
			this.cluster.fork(env);
		}
		else if ("disconnect".equals(payload.path("cmd").asString())) {
			this.cluster.workers().get(payload.get("id").asInt()).disconnect();
		}
		else if ("throw".equals(payload.path("cmd").asString())) {
			throw new IllegalStateException("A primary-side listener failed on purpose");
		}
		else if ("setup".equals(payload.path("cmd").asString())) {
			List<String> execArgv = new ArrayList<>();
			payload.get("execArgv").forEach((node) -> execArgv.add(node.asString()));
			this.cluster.setupPrimary(ClusterSettings.builder().execArgv(execArgv).build());
		}
	}

	private void greet(WorkerEvent event, String greeting) {
		if (this.earlyMessages) {
			boolean sent = event.getWorker().send(Map.of("greeting", greeting));
			record("sent " + event.getWorker().id() + " " + greeting + " " + sent);
		}
	}

	private synchronized void record(String line) {
		if (this.eventsFile.isEmpty()) {
			return;
		}
		try {
			Files.writeString(Path.of(this.eventsFile), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
