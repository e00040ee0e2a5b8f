package io.clusterstarter.control;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.RollAbortedException;
import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.deploy.DeployRefusedException;
import io.clusterstarter.observe.RecentEvents;
import io.clusterstarter.observe.WorkerOutput;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the control socket's commands do to the cluster: {@code status}, {@code monit},
 * {@code logs}, and the actions that wait for their end ({@code reload}, {@code deploy},
 * {@code upgrade}, {@code scale}, {@code restart}, {@code stop}) while they show the cluster's progress. An
 * action the cluster refuses, or one that aborts, ends with {@link ControlProtocol#FAILED} and
 * the reason; {@code --json} prints one JSON object on standard output (the progress goes to
 * standard error).
 *
 * @author cluster-spring-boot-starter
 */
public final class ControlCommands implements ControlServer.Handler {

	/** How many lines {@code logs} prints unless {@code -n} says. */
	static final int DEFAULT_LOG_LINES = 20;

	private static final long POLL_MILLIS = 250;

	/** The events {@code monit} shows under the table. */
	private static final int MONIT_EVENTS = 10;

	/** An event's local time, always with its seconds. */
	private static final DateTimeFormatter EVENT_TIME = DateTimeFormatter.ofPattern("HH:mm:ss")
		.withZone(ZoneId.systemDefault());

	private final ControlledCluster cluster;

	private final ClusterProperties properties;

	private final String name;

	private final ControlProgress progress;

	private final Runnable stop;

	private final JsonMapper json = JsonMapper.builder().build();

	/**
	 * Create the commands.
	 * @param cluster the cluster
	 * @param properties its properties
	 * @param name the cluster's name on the control socket
	 * @param progress the cluster's events as lines
	 * @param stop starts a graceful shutdown of the cluster, as SIGTERM does
	 */
	public ControlCommands(ControlledCluster cluster, ClusterProperties properties, String name,
			ControlProgress progress, Runnable stop) {
		this.cluster = cluster;
		this.properties = properties;
		this.name = name;
		this.progress = progress;
		this.stop = stop;
	}

	@Override
	public int handle(ControlSession session) throws IOException, InterruptedException {
		Arguments args;
		try {
			args = Arguments.parse(session.args());
		}
		catch (IllegalArgumentException ex) {
			session.err("cluster: " + ex.getMessage() + "\n" + ControlProtocol.USAGE_HINT);
			return ControlProtocol.USAGE;
		}
		return switch (args.command()) {
			case "status" -> status(session, args);
			case "monit" -> monit(session, args);
			case "logs" -> logs(session, args);
			case "reload" -> await(session, args, this.cluster::reload);
			case "deploy" -> await(session, args,
					() -> this.cluster.deploy(session.workingDirectory().resolve(args.positional(0)).normalize()));
			case "upgrade" -> await(session, args, () -> this.cluster.upgrade((args.positionals() > 0)
					? session.workingDirectory().resolve(args.positional(0)).normalize() : null));
			case "restart" -> await(session, args, () -> this.cluster.restartWorker(args.number(0)));
			case "scale" -> scale(session, args);
			case "stop" -> stop(session, args);
			default -> throw new IllegalStateException("Unhandled command " + args.command());
		};
	}

	private int status(ControlSession session, Arguments args) throws IOException {
		ClusterSnapshot snapshot = this.cluster.snapshot();
		session.out(args.json() ? this.json.writerWithDefaultPrettyPrinter().writeValueAsString(snapshot)
				: StatusTable.render(this.name, snapshot));
		return ControlProtocol.OK;
	}

	/**
	 * Ends when the client goes away (Ctrl-C), or the primary stops and closes the session.
	 */
	private int monit(ControlSession session, Arguments args) throws IOException, InterruptedException {
		while (true) {
			ClusterSnapshot snapshot = this.cluster.snapshot();
			if (args.json()) {
				session.out(this.json.writeValueAsString(snapshot));
			}
			else {
				StringBuilder screen = new StringBuilder(StatusTable.render(this.name, snapshot)).append("\n\nlast events\n");
				List<RecentEvents.Entry> events = this.cluster.recentEvents().last(MONIT_EVENTS);
				if (events.isEmpty()) {
					screen.append("  (none since the primary started)\n");
				}
				events.forEach((event) -> screen.append("  ")
					.append(EVENT_TIME.format(event.time()))
					.append("  ")
					.append(event.text())
					.append('\n'));
				screen.append('\n').append(Instant.now().toString(), 0, 19).append("Z, refreshed every second; Ctrl-C to quit");
				session.clear();
				session.out(screen.toString());
			}
			Thread.sleep(1000);
		}
	}

	private int logs(ControlSession session, Arguments args) throws IOException, InterruptedException {
		Integer worker = (args.positionals() > 0) ? args.number(0) : null;
		WorkerOutput output = this.cluster.output();
		if (worker != null && !output.knows(worker) && !this.cluster.workers().containsKey(worker)) {
			session.err("cluster: no output of worker " + worker + " is kept; live workers: "
					+ this.cluster.workers().keySet() + " (the output of the last " + WorkerOutput.EXITED_KEPT
					+ " workers that exited is kept too)");
			return ControlProtocol.FAILED;
		}
		// Follow first, so that no line falls between the recent ones and the followed ones
		try (WorkerOutput.Follower follower = args.follow() ? output.follow(worker) : null) {
			long printed = 0;
			for (WorkerOutput.Line line : output.recent(worker, args.lines())) {
				print(session, line, worker == null, args.json());
				printed = line.sequence();
			}
			if (follower == null) {
				return ControlProtocol.OK;
			}
			while (true) {
				WorkerOutput.Line line = follower.next(POLL_MILLIS);
				long dropped = follower.takeDropped();
				if (dropped > 0) {
					session.err("cluster: " + dropped + " lines skipped: they came faster than they were read");
				}
				if (line == null) {
					session.keepAlive();
				}
				else if (line.sequence() > printed) {
					print(session, line, worker == null, args.json());
				}
			}
		}
	}

	private void print(ControlSession session, WorkerOutput.Line line, boolean prefixed, boolean json)
			throws IOException {
		if (json) {
			ObjectNode node = this.json.createObjectNode()
				.put("worker", line.worker())
				.put("stream", line.error() ? "stderr" : "stdout")
				.put("text", line.text());
			session.out(this.json.writeValueAsString(node));
			return;
		}
		String text = prefixed ? "[worker " + line.worker() + "] " + line.text() : line.text();
		if (line.error()) {
			session.err(text);
		}
		else {
			session.out(text);
		}
	}

	/**
	 * Start an action and show the cluster's progress until it ends: 0 when it completed, 1
	 * with the reason when it was refused or aborted.
	 */
	private int await(ControlSession session, Arguments args, Supplier<CompletableFuture<Void>> action)
			throws IOException, InterruptedException {
		try (ControlProgress.Subscription events = this.progress.subscribe()) {
			// Started on a thread of its own: a deploy checks and copies its jar before it starts,
			// and the client hears from this session meanwhile
			CompletableFuture<CompletableFuture<Void>> starting = new CompletableFuture<>();
			Thread starter = new Thread(() -> {
				try {
					starting.complete(action.get());
				}
				catch (RuntimeException ex) {
					starting.completeExceptionally(ex);
				}
			}, "cluster-control-action");
			starter.setDaemon(true);
			starter.start();
			showUntil(session, args, events, starting, null);
			CompletableFuture<Void> done;
			try {
				done = starting.get();
			}
			catch (ExecutionException ex) {
				Throwable cause = ex.getCause();
				if (cause instanceof DeployRefusedException || cause instanceof IllegalStateException
						|| cause instanceof IllegalArgumentException || cause instanceof NoSuchElementException) {
					return result(session, args, "refused", cause.getMessage());
				}
				throw (cause instanceof RuntimeException runtime) ? runtime : new IllegalStateException(cause);
			}
			showUntil(session, args, events, done, null);
			try {
				done.get();
				return result(session, args, "completed", null);
			}
			catch (ExecutionException ex) {
				return result(session, args, "failed", reason(ex.getCause()));
			}
		}
	}

	/**
	 * Scaling completes once the workers of the slots below the new count serve and those
	 * above it have exited; it fails when a slot fails, or after the time its starts may take.
	 */
	private int scale(ControlSession session, Arguments args) throws IOException, InterruptedException {
		int workers = args.number(0);
		ClusterSnapshot.Settings settings = this.cluster.snapshot().primary().settings();
		int before = settings.workers();
		try (ControlProgress.Subscription events = this.progress.subscribe()) {
			try {
				this.cluster.scale(workers);
			}
			catch (IllegalStateException | IllegalArgumentException ex) {
				return result(session, args, "refused", ex.getMessage());
			}
			int rounds = (int) Math.ceil(Math.max(1, workers - before) / (double) settings.startupConcurrency());
			Duration bound = this.properties.getStartupTimeout().multipliedBy(rounds)
				.plus(this.properties.getShutdownTimeout())
				.plusSeconds(60);
			CompletableFuture<Void> done = new CompletableFuture<>();
			Instant deadline = Instant.now().plus(bound);
			showUntil(session, args, events, done, () -> {
				ClusterSnapshot snapshot = this.cluster.snapshot();
				String problem = scaleProblem(snapshot, workers, deadline, bound);
				if (problem != null) {
					done.completeExceptionally(new IllegalStateException(problem));
				}
				else if (scaled(snapshot, workers)) {
					done.complete(null);
				}
			});
			try {
				done.get();
				return result(session, args, "completed", null);
			}
			catch (ExecutionException ex) {
				return result(session, args, "failed", reason(ex.getCause()));
			}
		}
	}

	private String scaleProblem(ClusterSnapshot snapshot, int workers, Instant deadline, Duration bound) {
		int configured = snapshot.primary().settings().workers();
		if (configured != workers) {
			return "the cluster was scaled again meanwhile, to " + configured;
		}
		List<Integer> failed = snapshot.primary().failedSlots();
		if (failed != null && failed.stream().anyMatch((slot) -> slot < workers)) {
			return "slot " + failed + " failed: its workers crashed too often (see 'logs')";
		}
		if (Instant.now().isAfter(deadline)) {
			return "the workers did not all serve within " + bound.toSeconds() + " s";
		}
		return null;
	}

	private static boolean scaled(ClusterSnapshot snapshot, int workers) {
		long serving = snapshot.workers().values().stream()
			.filter((worker) -> worker.slot() < workers)
			.filter((worker) -> StatusTable.serving(snapshot.primary(), worker))
			.count();
		boolean leftover = snapshot.workers().values().stream().anyMatch((worker) -> worker.slot() >= workers);
		return serving == workers && !leftover;
	}

	/**
	 * Stopping ends with the session itself: the primary closes the control socket once its
	 * workers have exited, and the client then waits for the primary's process to end.
	 */
	private int stop(ControlSession session, Arguments args) throws IOException, InterruptedException {
		try (ControlProgress.Subscription events = this.progress.subscribe()) {
			show(session, args, "stopping cluster " + this.name + " (primary pid " + ProcessHandle.current().pid()
					+ "): each worker has " + this.properties.getShutdownTimeout().toSeconds()
					+ " s (cluster.shutdown-timeout) to finish its requests");
			this.stop.run();
			showUntil(session, args, events, new CompletableFuture<>(), null);
			return ControlProtocol.OK; // not reached: the session is closed under it
		}
	}

	/**
	 * Relay progress lines until the action is done, keeping the client's connection alive;
	 * {@code check} runs at every poll, when given.
	 */
	private void showUntil(ControlSession session, Arguments args, ControlProgress.Subscription events,
			CompletableFuture<?> done, Runnable check) throws IOException, InterruptedException {
		while (true) {
			String line = events.next(POLL_MILLIS);
			if (line != null) {
				show(session, args, line);
				continue;
			}
			if (done.isDone()) {
				return;
			}
			if (check != null) {
				check.run();
			}
			session.keepAlive();
		}
	}

	private void show(ControlSession session, Arguments args, String line) throws IOException {
		if (args.json()) {
			session.err(line);
		}
		else {
			session.out(line);
		}
	}

	private int result(ControlSession session, Arguments args, String result, String reason) throws IOException {
		boolean ok = result.equals("completed");
		if (args.json()) {
			ObjectNode node = this.json.createObjectNode().put("command", args.command()).put("result", result);
			if (reason != null) {
				node.put("reason", reason);
			}
			if (ok) {
				node.set("release", this.json.valueToTree(this.cluster.snapshot().primary().release()));
			}
			session.out(this.json.writeValueAsString(node));
		}
		else if (ok) {
			ClusterSnapshot.Release release = this.cluster.snapshot().primary().release();
			session.out(args.command() + " completed" + ((release != null && release.version() != null)
					? "; the cluster runs release " + release.version() : ""));
		}
		else {
			session.err("cluster: " + args.command() + " " + result + ": " + reason);
		}
		return ok ? ControlProtocol.OK : ControlProtocol.FAILED;
	}

	private static String reason(Throwable failure) {
		if (failure instanceof RollAbortedException aborted) {
			return aborted.reason();
		}
		return (failure.getMessage() != null) ? failure.getMessage() : failure.toString();
	}

	/**
	 * A command line: the command, its positional arguments and its options.
	 * @param command the command
	 * @param positional its positional arguments
	 * @param json {@code --json}
	 * @param follow {@code -f} ({@code logs})
	 * @param lines {@code -n} ({@code logs})
	 */
	record Arguments(String command, List<String> positional, boolean json, boolean follow, int lines) {

		static Arguments parse(List<String> args) {
			String command = args.get(0);
			int[] expected = switch (command) {
				case "status", "monit", "reload", "stop" -> new int[] { 0, 0 };
				case "logs", "upgrade" -> new int[] { 0, 1 };
				case "deploy", "scale", "restart" -> new int[] { 1, 1 };
				default -> throw new IllegalArgumentException("unknown command '" + command + "'");
			};
			List<String> positional = new ArrayList<>();
			boolean json = false;
			boolean follow = false;
			int lines = DEFAULT_LOG_LINES;
			for (int i = 1; i < args.size(); i++) {
				String arg = args.get(i);
				if (arg.equals("--json")) {
					json = true;
				}
				else if (command.equals("logs") && (arg.equals("-f") || arg.equals("--follow"))) {
					follow = true;
				}
				else if (command.equals("logs") && (arg.equals("-n") || arg.equals("--lines"))) {
					if (i + 1 >= args.size()) {
						throw new IllegalArgumentException(arg + " needs a number of lines");
					}
					lines = parseNumber(args.get(++i), arg, 0);
				}
				else if (arg.startsWith("-") && !arg.matches("-\\d+")) {
					throw new IllegalArgumentException("unknown option '" + arg + "' for " + command);
				}
				else {
					positional.add(arg);
				}
			}
			if (positional.size() < expected[0] || positional.size() > expected[1]) {
				throw new IllegalArgumentException(command + " takes " + switch (command) {
					case "logs" -> "at most a worker id";
					case "upgrade" -> "at most the artifact to upgrade to";
					case "deploy" -> "the artifact to deploy";
					case "scale" -> "the number of workers";
					case "restart" -> "the id of the worker to restart";
					default -> "no arguments";
				} + ", not " + ((positional.isEmpty()) ? "none" : String.join(" ", positional)));
			}
			Arguments parsed = new Arguments(command, List.copyOf(positional), json, follow, lines);
			if (!command.equals("deploy") && !command.equals("upgrade") && !positional.isEmpty()) {
				parseNumber(positional.get(0), command.equals("scale") ? "the number of workers" : "the worker id",
						command.equals("scale") ? 1 : 0);
			}
			return parsed;
		}

		private static int parseNumber(String text, String what, int minimum) {
			try {
				int number = Integer.parseInt(text);
				if (number >= minimum) {
					return number;
				}
			}
			catch (NumberFormatException ex) {
				// Reported below
			}
			throw new IllegalArgumentException(what + " must be a whole number of at least " + minimum + ", not '" + text + "'");
		}

		String positional(int index) {
			return this.positional.get(index);
		}

		int positionals() {
			return this.positional.size();
		}

		int number(int index) {
			return Integer.parseInt(this.positional.get(index));
		}

	}

}
