package io.clusterstarter.actuate;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.deploy.DeployRefusedException;
import io.clusterstarter.worker.WorkerRuntime;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@link Endpoint @Endpoint} that shows the cluster. Any worker answers on the shared port with
 * the primary's authoritative view, fetched over IPC. Worker environment values are masked
 * unless {@code management.endpoint.cluster.show-values} allows them, as for the {@code env}
 * endpoint.
 *
 * @author cluster-spring-boot-starter
 */
@Endpoint(id = "cluster", defaultAccess = Access.READ_ONLY)
public class ClusterEndpoint {

	/**
	 * The action that starts a rolling restart.
	 */
	public static final String ROLLING_RESTART = "rolling-restart";

	/**
	 * The action that changes the number of workers.
	 */
	public static final String SCALE = "scale";

	/**
	 * The action that deploys a new release: an executable jar in
	 * {@code cluster.deploy.directory}.
	 */
	public static final String DEPLOY = "deploy";

	/**
	 * The action that replaces one worker: its replacement first, then it retires.
	 */
	public static final String RESTART = "restart";

	/**
	 * The action that disconnects one worker gracefully; it is not replaced.
	 */
	public static final String DISCONNECT = "disconnect";

	/**
	 * The action that terminates one worker (SIGTERM); it is replaced as after any unexpected
	 * exit.
	 */
	public static final String KILL = "kill";

	private static final Set<String> WORKER_ACTIONS = Set.of(RESTART, DISCONNECT, KILL);

	/** What a worker environment value is shown as when it is masked. */
	public static final String MASK = "******";

	/** How much longer than a status a deploy's answer may take: the copy and the checks. */
	private static final Duration DEPLOY_CHECK_TIME = Duration.ofSeconds(30);

	private final WorkerRuntime runtime;

	private final Duration timeout;

	private final Show showValues;

	private final Set<String> roles;

	/**
	 * Create the endpoint.
	 * @param runtime the worker runtime, or {@code null} when the application is not clustered
	 * @param timeout how long to wait for the primary
	 * @param showValues when to show worker environment values
	 * @param roles the roles that may see them when {@code showValues} is
	 * {@link Show#WHEN_AUTHORIZED}
	 */
	public ClusterEndpoint(WorkerRuntime runtime, Duration timeout, Show showValues, Collection<String> roles) {
		this.runtime = runtime;
		this.timeout = timeout;
		this.showValues = showValues;
		this.roles = Set.copyOf(roles);
	}

	/**
	 * Return the primary's view of the cluster; without clustering, no primary and no workers.
	 * @param securityContext the caller, to decide whether environment values are shown
	 * @return the cluster
	 * @throws io.clusterstarter.worker.PrimaryUnavailableException if the primary does not
	 * answer in time
	 */
	@ReadOperation
	public ClusterSnapshot cluster(SecurityContext securityContext) {
		if (this.runtime == null) {
			return new ClusterSnapshot(null, Map.of());
		}
		ClusterSnapshot snapshot = this.runtime.status(this.timeout);
		return this.showValues.isShown(securityContext, this.roles) ? snapshot : snapshot.withEnvValues((value) -> MASK);
	}

	/**
	 * Act on the cluster. Off by default: the endpoint is read-only unless
	 * {@code management.endpoint.cluster.access=unrestricted}.
	 * @param action {@value #ROLLING_RESTART} to start a rolling restart (without waiting for
	 * it), {@value #SCALE} to change the number of workers, or {@value #DEPLOY} to deploy a
	 * release (checked before the answer, rolled without waiting for it)
	 * @param workers the new number of workers, for {@value #SCALE}
	 * @param artifact the executable jar, for {@value #DEPLOY}: a path in the primary's
	 * {@code cluster.deploy.directory}, relative to it or absolute
	 * @return what the primary started
	 * @throws InvalidEndpointRequestException if the action is unknown or its input invalid
	 * @throws DeployRefusedException if the primary refuses the deploy (400 for a bad
	 * artifact, 409 for one that does not fit the cluster or a deploy already running)
	 * @throws IllegalStateException if the primary refuses (a rolling restart already runs, or
	 * the cluster shuts down)
	 * @throws io.clusterstarter.worker.PrimaryUnavailableException if the primary does not
	 * answer in time
	 */
	@WriteOperation
	public Map<String, Object> act(@Nullable String action, @Nullable Integer workers, @Nullable String artifact) {
		JsonNode argument = null;
		if (DEPLOY.equals(action)) {
			return deploy(artifact);
		}
		if (SCALE.equals(action)) {
			if (workers == null) {
				throw new InvalidEndpointRequestException("Action 'scale' needs 'workers', the new number of workers",
						"Send {\"action\": \"scale\", \"workers\": n} with n at least 1");
			}
			if (workers < 1) {
				throw new InvalidEndpointRequestException(
						"Cannot scale to " + workers + " workers: a cluster needs at least 1",
						"Send {\"action\": \"scale\", \"workers\": n} with n at least 1");
			}
			argument = JsonNodeFactory.instance.numberNode(workers);
		}
		else if (!ROLLING_RESTART.equals(action)) {
			throw new InvalidEndpointRequestException(unknownAction(action, ROLLING_RESTART, SCALE, DEPLOY),
					"Send {\"action\": \"" + ROLLING_RESTART + "\"}, {\"action\": \"" + SCALE
							+ "\", \"workers\": n} or {\"action\": \"" + DEPLOY + "\", \"artifact\": \"app-1.4.0.jar\"}");
		}
		if (this.runtime == null) {
			throw new IllegalStateException("The application is not clustered");
		}
		int count = this.runtime.request(action, argument, this.timeout).path("workers").asInt();
		Map<String, Object> started = new LinkedHashMap<>();
		started.put("action", action);
		started.put("workers", count);
		return started;
	}

	private Map<String, Object> deploy(@Nullable String artifact) {
		if (artifact == null || artifact.isBlank()) {
			throw new InvalidEndpointRequestException("Action 'deploy' needs 'artifact', the jar to deploy",
					"Send {\"action\": \"deploy\", \"artifact\": \"app-1.4.0.jar\"}, a jar in cluster.deploy.directory");
		}
		if (this.runtime == null) {
			throw new IllegalStateException("The application is not clustered");
		}
		// The primary copies and reads the jar before it answers: more than a status takes
		JsonNode answer = this.runtime.request(DEPLOY, JsonNodeFactory.instance.stringNode(artifact),
				this.timeout.plus(DEPLOY_CHECK_TIME));
		if (answer.hasNonNull("refused")) {
			throw new DeployRefusedException(answer.path("refused").asString(), answer.path("conflict").asBoolean());
		}
		Map<String, Object> started = new LinkedHashMap<>();
		started.put("action", DEPLOY);
		started.put("release", this.runtime.codec().fromTree(answer.path("release"), ClusterSnapshot.Release.class));
		return started;
	}

	/**
	 * Return one live worker as the primary sees it.
	 * @param id the worker id
	 * @return the worker, or {@code null} if no live worker has that id
	 * @throws InvalidEndpointRequestException if the id is not a number
	 */
	@ReadOperation
	public ClusterSnapshot.WorkerInfo worker(@Selector String id) {
		int number = workerId(id);
		if (this.runtime == null) {
			return null;
		}
		return this.runtime.status(this.timeout).workers().get(String.valueOf(number));
	}

	/**
	 * Act on one worker. Off by default, as {@link #act(String, Integer)}.
	 * @param id the worker id
	 * @param action {@value #RESTART} to replace the worker (its replacement first),
	 * {@value #DISCONNECT} to retire it gracefully without replacing it, or {@value #KILL} to
	 * terminate it (SIGTERM) and have it replaced as after a crash
	 * @return what was done, or {@code null} if no live worker has the id
	 * @throws InvalidEndpointRequestException if the id is not a number or the action unknown
	 * @throws IllegalStateException if the primary refuses (another worker is being replaced,
	 * a rolling restart runs, or the cluster shuts down)
	 * @throws io.clusterstarter.worker.PrimaryUnavailableException if the primary does not
	 * answer in time
	 */
	@WriteOperation
	public Map<String, Object> actOnWorker(@Selector String id, @Nullable String action) {
		int number = workerId(id);
		if (action == null || !WORKER_ACTIONS.contains(action)) {
			throw new InvalidEndpointRequestException(unknownAction(action, RESTART, DISCONNECT, KILL),
					"Send {\"action\": \"" + RESTART + "\"}, {\"action\": \"" + DISCONNECT + "\"} or {\"action\": \""
							+ KILL + "\"}");
		}
		if (this.runtime == null) {
			return null;
		}
		JsonNode argument = JsonNodeFactory.instance.objectNode().put("id", number).put("action", action);
		JsonNode answer = this.runtime.request("worker", argument, this.timeout);
		if (!answer.has("worker")) {
			return null;
		}
		Map<String, Object> done = new LinkedHashMap<>();
		done.put("action", action);
		done.put("worker", number);
		return done;
	}

	private static String unknownAction(@Nullable String action, String... known) {
		String expected = "'" + String.join("', '", known) + "'";
		return (action == null) ? "No 'action' given; it must be one of " + expected
				: "Unknown action '" + action + "'; it must be one of " + expected;
	}

	private static int workerId(String id) {
		try {
			return Integer.parseInt(id.strip());
		}
		catch (NumberFormatException ex) {
			throw new InvalidEndpointRequestException("Worker id '" + id + "' is not a number",
					"Use a worker id from /actuator/cluster");
		}
	}

}
