package io.clusterstarter.ipc;

import java.nio.charset.StandardCharsets;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encodes {@link IpcMessage IPC messages} as single JSON lines and decodes them again. Decoding
 * never throws for bad input: it reports a {@link MalformedMessageException} that the caller logs
 * before dropping the line.
 *
 * @author cluster-spring-boot-starter
 */
public final class MessageCodec {

	private final JsonMapper mapper;

	private final int maxMessageSize;

	/**
	 * Create a codec.
	 * @param maxMessageSize the largest encoded message, in bytes, newline excluded
	 */
	public MessageCodec(int maxMessageSize) {
		this.mapper = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
		this.maxMessageSize = maxMessageSize;
	}

	/**
	 * Return the largest encoded message this codec accepts, in bytes.
	 * @return the limit
	 */
	public int maxMessageSize() {
		return this.maxMessageSize;
	}

	/**
	 * Encode a message as one line, newline included.
	 * @param message the message
	 * @return the UTF-8 bytes of the line
	 * @throws IllegalArgumentException if the message is larger than the limit or cannot be
	 * written as JSON
	 */
	public byte[] encode(IpcMessage message) {
		byte[] json;
		try {
			json = this.mapper.writerFor(IpcMessage.class).writeValueAsBytes(message);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Message cannot be written as JSON: " + ex.getOriginalMessage(), ex);
		}
		if (json.length > this.maxMessageSize) {
			throw new IllegalArgumentException("Message of " + json.length + " bytes is larger than the limit of "
					+ this.maxMessageSize + " bytes (cluster.ipc.max-message-size)");
		}
		byte[] line = new byte[json.length + 1];
		System.arraycopy(json, 0, line, 0, json.length);
		line[json.length] = '\n';
		return line;
	}

	/**
	 * Decode one line, newline excluded.
	 * @param line the bytes of the line
	 * @return the message
	 * @throws MalformedMessageException if the line is not a known message
	 */
	public IpcMessage decode(byte[] line) throws MalformedMessageException {
		try {
			IpcMessage message = this.mapper.readValue(line, IpcMessage.class);
			if (message == null) {
				throw new MalformedMessageException("null is not a message", line);
			}
			return message;
		}
		catch (JacksonException ex) {
			throw new MalformedMessageException(ex.getOriginalMessage(), line);
		}
	}

	/**
	 * Convert a user object to a JSON tree.
	 * @param value the object
	 * @return the tree
	 * @throws IllegalArgumentException if the object cannot be written as JSON
	 */
	public JsonNode toTree(Object value) {
		try {
			return this.mapper.valueToTree(value);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Message cannot be written as JSON: " + ex.getOriginalMessage(), ex);
		}
	}

	/**
	 * Convert a JSON tree to an object of the given type.
	 * @param <T> the type
	 * @param tree the tree
	 * @param type the type
	 * @return the object
	 * @throws IllegalArgumentException if the tree does not fit the type
	 */
	public <T> T fromTree(JsonNode tree, Class<T> type) {
		try {
			return this.mapper.treeToValue(tree, type);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Message does not fit " + type.getName() + ": " + ex.getOriginalMessage(),
					ex);
		}
	}

	/**
	 * Thrown when a line is not a valid IPC message.
	 */
	public static final class MalformedMessageException extends Exception {

		MalformedMessageException(String reason, byte[] line) {
			super(reason + " in line: " + preview(line));
		}

		private static String preview(byte[] line) {
			String text = new String(line, 0, Math.min(line.length, 120), StandardCharsets.UTF_8);
			return (line.length > 120) ? text + "... (" + line.length + " bytes)" : text;
		}

	}

}
