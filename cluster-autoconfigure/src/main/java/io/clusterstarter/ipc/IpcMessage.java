package io.clusterstarter.ipc;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
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
		@JsonSubTypes.Type(value = IpcMessage.Ready.class, name = "ready"),
		@JsonSubTypes.Type(value = IpcMessage.Stopping.class, name = "stopping"),
		@JsonSubTypes.Type(value = IpcMessage.Disconnect.class, name = "disconnect"),
		@JsonSubTypes.Type(value = IpcMessage.Request.class, name = "request"),
		@JsonSubTypes.Type(value = IpcMessage.Response.class, name = "response"),
		@JsonSubTypes.Type(value = IpcMessage.UserMessage.class, name = "message") })
public sealed interface IpcMessage {

	/**
	 * First line a worker sends: who it is, proven by the token the primary gave it.
	 * @param id the worker id
	 * @param token the per-worker secret from the worker's environment
	 */
	record Hello(int id, String token) implements IpcMessage {
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
	 * A request that expects a {@link Response} with the same sequence number.
	 * @param seq the sequence number, unique per sender
	 * @param operation what is asked for
	 */
	record Request(long seq, String operation) implements IpcMessage {
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
	 * A message from user code, carried without interpretation.
	 * @param payload the user's payload
	 */
	record UserMessage(JsonNode payload) implements IpcMessage {
	}

}
