package io.clusterstarter;

import java.util.function.BiFunction;

import tools.jackson.databind.JsonNode;

/**
 * A user message carried between the primary and a worker, as JSON.
 *
 * @author cluster-spring-boot-starter
 */
public final class ClusterMessage {

	private final JsonNode payload;

	private final BiFunction<JsonNode, Class<?>, Object> converter;

	/**
	 * Create a message.
	 * @param payload the JSON payload
	 * @param converter converts the payload to a requested type
	 */
	public ClusterMessage(JsonNode payload, BiFunction<JsonNode, Class<?>, Object> converter) {
		this.payload = payload;
		this.converter = converter;
	}

	/**
	 * Return the payload as a JSON tree.
	 * @return the payload
	 */
	public JsonNode payload() {
		return this.payload;
	}

	/**
	 * Return the payload converted to a type.
	 * @param <T> the type
	 * @param type the type
	 * @return the converted payload
	 * @throws IllegalArgumentException if the payload does not fit the type
	 */
	public <T> T payloadAs(Class<T> type) {
		return type.cast(this.converter.apply(this.payload, type));
	}

	@Override
	public String toString() {
		return this.payload.toString();
	}

}
