package io.clusterstarter.primary;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.deploy.DeployDirectory;
import io.clusterstarter.deploy.DeployRefusedException;
import io.clusterstarter.ipc.IpcConnection;
import io.clusterstarter.ipc.IpcMessage;
import io.clusterstarter.ipc.MessageCodec;
import io.clusterstarter.observe.ClusterCounters;
import io.clusterstarter.observe.ClusterHistory;
import io.clusterstarter.observe.PrimaryMeters;
import io.clusterstarter.observe.PrometheusTextMerger;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;

/**
 * Answers what workers ask of the primary on behalf of the cluster endpoint, health, info and
 * the cluster-wide scrape: the cluster's status, what the dashboard shows and its history, the
 * actions (rolling restart, scale, deploy, and restart, disconnect or kill of one worker), and
 * the merged Prometheus scrape; and takes their notices. Every refusal goes back as an error
 * answer with its reason, never as a dropped request. Used on the cluster's event loop.
 *
 * @author cluster-spring-boot-starter
 */
final class WorkerRequests {

	private static final Log logger = LogFactory.getLog(WorkerRequests.class);

	/** Events the dashboard lists. */
	private static final int DASHBOARD_EVENTS = 20;

	/** Jars the dashboard offers to deploy. */
	private static final int DASHBOARD_ARTIFACTS = 20;

	private final PrimaryCluster cluster;

	private final ClusterProperties properties;

	private final MessageCodec codec;

	private final ClusterCounters counters;

	private final WorkerNotices notices = new WorkerNotices();

	/** The primary's meters in Prometheus text format, created at the first scrape. */
	private Supplier<String> primaryMeters;

	WorkerRequests(PrimaryCluster cluster, ClusterProperties properties, MessageCodec codec, ClusterCounters counters) {
		this.cluster = cluster;
		this.properties = properties;
		this.codec = codec;
		this.counters = counters;
	}

	/**
	 * Answer a worker's request: the cluster's status, an action, or a cluster-wide scrape.
	 * @param worker the worker that asks
	 * @param request its request
	 */
	void answer(ManagedWorker worker, IpcMessage.Request request) {
		IpcConnection connection = worker.connection();
		if (connection == null) {
			return;
		}
		if ("status".equals(request.operation())) {
			connection.send(new IpcMessage.Response(request.seq(), this.codec.toTree(this.cluster.snapshot()), null));
		}
		else if ("rolling-restart".equals(request.operation())) {
			reply(connection, request, () -> {
				this.cluster.rollingRestart();
				return this.cluster.replacements().rollSize();
			});
		}
		else if ("scale".equals(request.operation())) {
			reply(connection, request, () -> {
				int count = (request.argument() != null) ? request.argument().asInt() : 0;
				this.cluster.scale(count);
				return count;
			});
		}
		else if ("deploy".equals(request.operation())) {
			deploy(connection, request);
		}
		else if ("dashboard".equals(request.operation())) {
			dashboard(connection, request);
		}
		else if ("history".equals(request.operation())) {
			ClusterHistory history = this.cluster.history();
			connection.send(new IpcMessage.Response(request.seq(),
					this.codec.toTree((history != null) ? history.series() : Map.of()), null));
		}
		else if ("worker".equals(request.operation())) {
			connection.send(actOnWorker(request));
		}
		else if ("notice".equals(request.operation())) {
			JsonNode notice = (request.argument() != null) ? request.argument() : this.codec.toTree(Map.of());
			this.notices.received(worker, notice.path("key").asString(""), notice.path("text").asString(""),
					notice.path("severalWorkersOnly").asBoolean(false), this.cluster.configuredWorkers());
			connection.send(new IpcMessage.Response(request.seq(), null, null));
		}
		else if ("scrape".equals(request.operation())) {
			scrape(request).thenAccept((text) -> {
				try {
					connection.send(new IpcMessage.Response(request.seq(), this.codec.toTree(text), null));
				}
				catch (IllegalArgumentException ex) {
					logger.warn("Could not send a cluster-wide scrape to " + worker + ": " + ex.getMessage());
					connection.send(new IpcMessage.Response(request.seq(), null, "The merged scrape is too large: "
							+ ex.getMessage() + "; raise cluster.ipc.max-message-size"));
				}
			});
		}
		else {
			connection.send(new IpcMessage.Response(request.seq(), null,
					"Unknown operation '" + request.operation() + "'"));
		}
	}

	/**
	 * What the dashboard shows: the cluster and its last events, taken on the loop, and the jars
	 * it may deploy, listed off it (a directory read must not hold the loop).
	 */
	private void dashboard(IpcConnection connection, IpcMessage.Request request) {
		Map<String, Object> answer = new LinkedHashMap<>();
		answer.put("cluster", this.cluster.snapshot());
		answer.put("events", this.cluster.recentEvents().last(DASHBOARD_EVENTS));
		Path directory = this.properties.getDeploy().getDirectory();
		CompletableFuture.runAsync(() -> {
			IpcMessage.Response response;
			try {
				answer.put("artifacts", DeployDirectory.jars(directory, DASHBOARD_ARTIFACTS));
				response = new IpcMessage.Response(request.seq(), this.codec.toTree(answer), null);
			}
			catch (RuntimeException ex) {
				response = new IpcMessage.Response(request.seq(), null, "Could not describe the cluster: " + ex);
			}
			connection.send(response);
		});
	}

	/**
	 * Deploy the artifact a worker's endpoint names, off the loop: the copy and the checks take
	 * a moment. The answer is {@code {"release": …}}, or {@code {"refused": reason, "conflict":
	 * bool}} so that the endpoint answers 400 or 409.
	 */
	private void deploy(IpcConnection connection, IpcMessage.Request request) {
		String artifact = (request.argument() != null && request.argument().isString()) ? request.argument().asString()
				: "";
		Thread thread = new Thread(() -> {
			Map<String, Object> answer;
			try {
				answer = Map.of("release", this.cluster.deployFromEndpoint(artifact));
			}
			catch (DeployRefusedException ex) {
				answer = Map.of("refused", ex.getMessage(), "conflict", ex.isConflict());
			}
			catch (RuntimeException ex) {
				answer = Map.of("refused", String.valueOf(ex.getMessage()), "conflict", true);
			}
			connection.send(new IpcMessage.Response(request.seq(), this.codec.toTree(answer), null));
		}, "cluster-deploy-check");
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * Act on one worker: {@code {"id": n, "action": "restart" | "disconnect" | "kill"}}. The
	 * answer is {@code {"worker": n}}, or an empty object when no live worker has that id.
	 */
	private IpcMessage.Response actOnWorker(IpcMessage.Request request) {
		JsonNode argument = request.argument();
		int id = (argument != null) ? argument.path("id").asInt(-1) : -1;
		String action = (argument != null) ? argument.path("action").asString("") : "";
		ManagedWorker worker = this.cluster.staying(id);
		if (worker == null) {
			return new IpcMessage.Response(request.seq(), this.codec.toTree(Map.of()), null);
		}
		try {
			switch (action) {
				case "restart" ->
					this.cluster.replacements().replace(worker, "a restart was requested through the cluster endpoint");
				case "disconnect" -> {
					logger.info("Disconnecting " + worker + " as requested through the cluster endpoint");
					this.cluster.disconnect(worker);
				}
				case "kill" -> {
					// A replacement still starting may be killed too: its replacement then fails
					worker.markKilled("was killed through the cluster endpoint");
					logger.warn("Killing " + worker + " (SIGTERM) as requested through the cluster endpoint");
					worker.kill();
				}
				default -> throw new IllegalArgumentException("Unknown action '" + action + "'");
			}
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			return new IpcMessage.Response(request.seq(), null, ex.getMessage());
		}
		return new IpcMessage.Response(request.seq(), this.codec.toTree(Map.of("worker", id)), null);
	}

	/**
	 * Answer a request for an action with {@code {"workers": n}}, or with the reason the
	 * action was refused.
	 */
	private void reply(IpcConnection connection, IpcMessage.Request request, Supplier<Integer> action) {
		IpcMessage.Response response;
		try {
			response = new IpcMessage.Response(request.seq(), this.codec.toTree(Map.of("workers", action.get())), null);
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			response = new IpcMessage.Response(request.seq(), null, ex.getMessage());
		}
		connection.send(response);
	}

	/**
	 * Create the primary's own meters, once.
	 */
	void prepareMeters() {
		if (this.primaryMeters == null) {
			this.primaryMeters = PrimaryMeters.prometheus(this.cluster, this.counters);
		}
	}

	/**
	 * Gather every connected worker's meters, without blocking the loop, and merge them with
	 * the primary's own. A worker that does not answer within the scrape timeout is left out
	 * and counted.
	 */
	private CompletableFuture<String> scrape(IpcMessage.Request request) {
		prepareMeters();
		Supplier<String> own = this.primaryMeters;
		long timeout = this.properties.getMetrics().getScrapeTimeout().toMillis();
		List<ManagedWorker> targets = this.cluster.connected();
		List<CompletableFuture<String>> answers = targets.stream()
			.map((worker) -> worker.request("prometheus", request.argument())
				.orTimeout(timeout, TimeUnit.MILLISECONDS)
				.handle((body, ex) -> {
					if (ex != null || body == null || !body.isString()) {
						logger.debug(worker + " left out of a scrape: " + ((ex != null) ? ex : "no meters"));
						return null;
					}
					return body.asString();
				}))
			.toList();
		return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply((done) -> {
			PrometheusTextMerger merger = new PrometheusTextMerger();
			long missed = answers.stream().filter((answer) -> answer.join() == null).count();
			this.counters.scrapeMisses.add(missed);
			if (own != null) {
				merger.add(own.get(), "");
			}
			for (int i = 0; i < targets.size(); i++) {
				String text = answers.get(i).join();
				if (text != null) {
					ManagedWorker worker = targets.get(i);
					try {
						merger.add(text, "worker_id=\"" + worker.id() + "\",worker_slot=\"" + worker.slot() + "\"");
					}
					catch (IllegalArgumentException ex) {
						logger.warn("Left " + worker + " out of a scrape: " + ex.getMessage());
					}
				}
			}
			return merger.merge();
		});
	}

}
