package io.clusterstarter.control;

import java.util.List;

/**
 * What the command line and the primary's control socket say to each other. The client sends
 * one line, a JSON object with the command's arguments and its working directory; the primary
 * answers with lines that each start with a frame type: {@code o} a line for standard output,
 * {@code e} one for standard error, {@code c} clear the screen, {@code k} still working (sent at
 * least every {@link #KEEP_ALIVE_MILLIS} ms), and last {@code x} with the exit status. The
 * client thus only relays text: the primary formats it, and the client needs no JSON parser.
 *
 * @author cluster-spring-boot-starter
 */
public final class ControlProtocol {

	/** The command succeeded. */
	public static final int OK = 0;

	/** The action failed, was aborted or was refused. */
	public static final int FAILED = 1;

	/** The command line was wrong. */
	public static final int USAGE = 2;

	/** No cluster runs (or none that matches). */
	public static final int NOT_RUNNING = 3;

	/** The control socket belongs to another user. */
	public static final int DENIED = 4;

	/** The longest request line the primary reads. */
	public static final int MAX_REQUEST = 64 * 1024;

	/** The primary sends something at least this often while a command runs. */
	public static final long KEEP_ALIVE_MILLIS = 5_000;

	/** The client gives up on a primary silent for this long. */
	public static final long CLIENT_IDLE_TIMEOUT_MILLIS = 30_000;

	/** The commands, for the client to refuse a typo without looking for a cluster. */
	public static final List<String> COMMANDS = List.of("status", "monit", "logs", "reload", "deploy", "upgrade",
			"scale", "restart", "stop");

	/** What follows a usage error. */
	public static final String USAGE_HINT = "Run 'java -Djarmode=cluster -jar app.jar help' for the commands and options.";

	/** What {@code help} prints. */
	public static final String USAGE_TEXT = """
			Usage: java -Djarmode=cluster -jar app.jar [--dir DIR] [--name NAME] COMMAND [--json]

			Commands:
			  status                  the primary and every worker, as a table
			  monit                   the same, refreshed every second, until Ctrl-C
			  logs [ID] [-n N] [-f]   the last N lines (default 20) of one worker's output, or of
			                          every worker's; -f follows new lines until Ctrl-C
			  reload                  deploy the launched jar (or cluster.deploy.artifact) if its
			                          content changed, else restart every worker; waits for the end
			  deploy ARTIFACT         roll a new release of the application onto every worker;
			                          waits for the end, and rolls back if a new worker fails
			  upgrade [ARTIFACT]      upgrade the primary itself (and the starter): a new primary
			                          from ARTIFACT (default: the launched jar, or
			                          cluster.deploy.artifact) takes over the port once its workers
			                          are ready; waits until it has, or stops it if it fails
			  scale N                 keep N workers; waits until they serve
			  restart ID              replace one worker; waits until its replacement serves
			  stop                    stop the cluster gracefully; waits until it has

			Options:
			  --dir DIR     the control directory: the primary's cluster.control.directory
			                (default $CLUSTER_CONTROL_DIRECTORY, else cluster-spring-boot-USER/control
			                in the temporary directory)
			  --name NAME   which cluster, when several run
			  --json        machine-readable output on standard output

			Exit status: 0 done, 1 failed, aborted or refused, 2 usage error, 3 no cluster runs,
			4 permission denied.
			""";

	private ControlProtocol() {
	}

}
