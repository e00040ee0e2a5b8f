package io.clusterstarter.ipc;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.clusterstarter.ClusterSnapshot;
import tools.jackson.databind.JsonNode;

/**
 * One line of the IPC protocol between the primary and a worker. Internal messages and user
 * messages are different types, so a user payload can never be mistaken for a control message.
 *
 * @author cluster-spring-boot-starter
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = IpcMessage.Hello.class, name = "hello"),
		@JsonSubTypes.Type(value = IpcMessage.Listening.class, name = "listening"),
		@JsonSubTypes.Type(value = IpcMessage.Warmup.class, name = "warmup"),
		@JsonSubTypes.Type(value = IpcMessage.Ready.class, name = "ready"),
		@JsonSubTypes.Type(value = IpcMessage.Stopping.class, name = "stopping"),
		@JsonSubTypes.Type(value = IpcMessage.Disconnect.class, name = "disconnect"),
		@JsonSubTypes.Type(value = IpcMessage.Stats.class, name = "stats"),
		@JsonSubTypes.Type(value = IpcMessage.Heartbeat.class, name = "heartbeat"),
		@JsonSubTypes.Type(value = IpcMessage.Request.class, name = "request"),
		@JsonSubTypes.Type(value = IpcMessage.Response.class, name = "response"),
		@JsonSubTypes.Type(value = IpcMessage.UserMessage.class, name = "message"),
		@JsonSubTypes.Type(value = IpcMessage.Lead.class, name = "lead"),
		@JsonSubTypes.Type(value = IpcMessage.LeadReleased.class, name = "lead-released") })
public sealed interface IpcMessage {

	/**
	 * First line a worker sends: who it is, proven by the token the primary gave it, and the
	 * protocol version its starter speaks (0 from a starter that predates versions).
	 * @param id the worker id
	 * @param token the per-worker secret from the worker's environment
	 * @param protocol the worker's {@link IpcProtocol#VERSION}, or {@code null} from a starter of
	 * before versions
	 */
	record Hello(int id, String token, Integer protocol) implements IpcMessage {

		/**
		 * Return the protocol version, 0 when the hello names none.
		 * @return the version
		 */
		public int protocolVersion() {
			return (this.protocol != null) ? this.protocol : 0;
		}

	}

	/**
	 * A web server in the worker is bound.
	 * @param namespace the server namespace ({@code null} for the application's server,
	 * {@code management} for a separate management server)
	 * @param address the bound address
	 * @param port the bound port
	 */
	record Listening(String namespace, String address, int port) implements IpcMessage {
	}

	/**
	 * The worker's warm-up ({@code cluster.warmup}): sent as it starts, about once a second
	 * while it runs, and once as it ends, before the worker listens.
	 * @param warmup where it is
	 */
	record Warmup(ClusterSnapshot.Warmup warmup) implements IpcMessage {
	}

	/**
	 * The worker's application is ready ({@code ApplicationReadyEvent}).
	 */
	record Ready() implements IpcMessage {
	}

	/**
	 * The worker is shutting down on its own (a signal or {@code System.exit}), not because
	 * the primary asked.
	 */
	record Stopping() implements IpcMessage {
	}

	/**
	 * Primary to worker: shut down gracefully. Worker to primary: the worker disconnects on
	 * its own initiative and must not be replaced.
	 */
	record Disconnect() implements IpcMessage {
	}

	/**
	 * The worker's JVM is alive: sent at a fixed interval from a thread of its own.
	 */
	record Heartbeat() implements IpcMessage {
	}

	/**
	 * A worker's periodic figures.
	 * @param heapUsed heap bytes in use
	 * @param heapCommitted heap bytes committed
	 * @param heapMax the heap limit in bytes, or -1 when undefined
	 * @param processCpuLoad recent CPU load of the worker, 0 to 1, or negative when unknown
	 * @param threads live threads
	 * @param gcPauseMillis total milliseconds of stop-the-world collections
	 * @param requestsServed HTTP requests completed, or {@code null} without a web server
	 * @param requestsInFlight HTTP requests in progress, or {@code null} without a web server
	 * @param heapAfterGc heap bytes in use right after the latest collection, or {@code null}
	 * before the first one
	 * @param rss resident memory of the worker's process in bytes, or {@code null} where the
	 * platform does not tell
	 * @param pss proportional memory of the worker's process in bytes (Linux's
	 * {@code smaps_rollup}), or {@code null} where the platform does not tell
	 */
	record Stats(long heapUsed, long heapCommitted, long heapMax, double processCpuLoad, int threads,
			long gcPauseMillis, Long requestsServed, Long requestsInFlight, Long heapAfterGc,
			Long rss, Long pss) implements IpcMessage {

		/**
		 * Whether the figures are plausible: a worker that sends nonsense is ignored rather
		 * than shown.
		 * @return {@code true} if every figure is in range
		 */
		public boolean isValid() {
			return this.heapUsed >= 0 && this.heapCommitted >= 0 && this.heapMax >= -1 && this.threads >= 0
					&& this.gcPauseMillis >= 0 && !Double.isNaN(this.processCpuLoad) && this.processCpuLoad <= 1
					&& (this.requestsServed == null || this.requestsServed >= 0)
					&& (this.requestsInFlight == null || this.requestsInFlight >= 0)
					&& (this.heapAfterGc == null || this.heapAfterGc >= 0) && (this.rss == null || this.rss >= 0)
					&& (this.pss == null || this.pss >= 0);
		}

	}

	/**
	 * A request that expects a {@link Response} with the same sequence number. Both sides ask:
	 * a worker asks the primary for the cluster's status, the primary asks workers for their
	 * meters.
	 * @param seq the sequence number, unique per sender
	 * @param operation what is asked for
	 * @param argument the operation's argument, or {@code null}
	 */
	record Request(long seq, String operation, JsonNode argument) implements IpcMessage {

		public Request {
			// JSON null reads back as a null node: keep one representation of "no argument"
			argument = (argument != null && !argument.isNull()) ? argument : null;
		}

	}

	/**
	 * The answer to a {@link Request}.
	 * @param seq the sequence number of the request
	 * @param body the answer, or {@code null} on error
	 * @param error why there is no answer, or {@code null}
	 */
	record Response(long seq, JsonNode body, String error) implements IpcMessage {
	}

	/**
	 * Primary to worker: the worker is now the cluster's lead worker, which alone runs
	 * {@code @OnOneWorker} methods, or is no longer.
	 * @param granted {@code true} when the lead is given, {@code false} when it is taken back
	 */
	record Lead(boolean granted) implements IpcMessage {
	}

	/**
	 * Worker to primary: after the lead was taken back, no {@code @OnOneWorker} method runs here
	 * any more; the primary may give the lead to another worker.
	 */
	record LeadReleased() implements IpcMessage {
	}

	/**
	 * A message from user code, carried without interpretation.
	 * @param payload the user's payload
	 */
	record UserMessage(JsonNode payload) implements IpcMessage {

		/**
		 * How many user messages may wait at either end: in the primary for a worker that has
		 * not connected yet, in a worker for its application context to exist.
		 */
		public static final int MAX_WAITING = 1000;

	}

}
