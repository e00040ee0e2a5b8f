package io.clusterstarter.ipc;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;

/**
 * The {@link IpcMessage.Request requests} one side of a channel has sent and still waits for,
 * by sequence number. Both sides ask: workers ask the primary for its view, the primary asks
 * workers for their meters.
 *
 * @author cluster-spring-boot-starter
 */
public final class PendingRequests {

	private final AtomicLong sequence = new AtomicLong();

	private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

	/**
	 * Send a request. The future completes with the answer's body, fails with an
	 * {@link IllegalStateException} when the peer answers with an error, and with an
	 * {@link IOException} when the channel closes first. The caller bounds the wait; cancelling
	 * the future forgets the request.
	 * @param connection the channel, or {@code null} when not connected
	 * @param operation what is asked for
	 * @param argument the operation's argument, or {@code null}
	 * @return the answer, or {@code null} if the request could not be sent
	 */
	public CompletableFuture<JsonNode> send(IpcConnection connection, String operation, JsonNode argument) {
		long seq = this.sequence.incrementAndGet();
		CompletableFuture<JsonNode> future = new CompletableFuture<>();
		this.pending.put(seq, future);
		future.whenComplete((body, ex) -> this.pending.remove(seq));
		if (connection == null || !connection.send(new IpcMessage.Request(seq, operation, argument))) {
			future.cancel(false);
			return null;
		}
		return future;
	}

	/**
	 * Complete the request a response answers, if it is still waited for.
	 * @param response the response
	 */
	public void answered(IpcMessage.Response response) {
		CompletableFuture<JsonNode> future = this.pending.get(response.seq());
		if (future != null) {
			if (response.error() != null) {
				future.completeExceptionally(new IllegalStateException(response.error()));
			}
			else {
				future.complete(response.body());
			}
		}
	}

	/**
	 * Fail every request still waiting: the channel is gone.
	 * @param reason why
	 */
	public void failAll(String reason) {
		this.pending.values().forEach((future) -> future.completeExceptionally(new IOException(reason)));
	}

}
