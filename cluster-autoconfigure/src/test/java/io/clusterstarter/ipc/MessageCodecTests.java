package io.clusterstarter.ipc;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.clusterstarter.ClusterSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link MessageCodec}.
 */
class MessageCodecTests {

	private final MessageCodec codec = new MessageCodec(1024);

	@Test
	void everyMessageSurvivesARoundTrip() throws Exception {
		IpcMessage[] messages = { new IpcMessage.Hello(3, "secret", IpcProtocol.VERSION), new IpcMessage.Listening(null, "::", 8080),
				new IpcMessage.Listening("management", null, 8081), new IpcMessage.Ready(), new IpcMessage.Stopping(), new IpcMessage.Heartbeat(),
				new IpcMessage.Disconnect(), new IpcMessage.Request(7, "status", null),
				new IpcMessage.Request(9, "prometheus", this.codec.toTree(List.of("jvm_threads_live_threads"))),
				new IpcMessage.Stats(1, 2, -1, 0.5, 20, 30, 40L, 0L, 7L, 300L, 200L), new IpcMessage.Stats(1, 2, 3, -1, 20, 30, null, null, null, null, null),
				new IpcMessage.Response(7, this.codec.toTree(Map.of("a", 1)), null),
				new IpcMessage.Warmup(new ClusterSnapshot.Warmup(ClusterSnapshot.Warmup.RUNNING, 120, 1, 0.25, 1500)),
				new IpcMessage.UserMessage(this.codec.toTree(Map.of("text", "héllo\nworld"))) };
		for (IpcMessage message : messages) {
			byte[] line = this.codec.encode(message);
			assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
			assertThat(new String(line, 0, line.length - 1, StandardCharsets.UTF_8)).doesNotContain("\n");
			assertThat(this.codec.decode(java.util.Arrays.copyOf(line, line.length - 1))).isEqualTo(message);
		}
	}

	@Test
	void implausibleStatsAreRecognised() {
		assertThat(new IpcMessage.Stats(1, 2, -1, -1, 20, 0, null, null, null, null, null).isValid()).isTrue();
		assertThat(new IpcMessage.Stats(-1, 2, 3, 0.5, 20, 0, 1L, 0L, null, null, null).isValid()).isFalse();
		assertThat(new IpcMessage.Stats(1, 2, 3, Double.NaN, 20, 0, 1L, 0L, null, null, null).isValid()).isFalse();
		assertThat(new IpcMessage.Stats(1, 2, 3, 1.5, 20, 0, 1L, 0L, null, null, null).isValid()).isFalse();
		assertThat(new IpcMessage.Stats(1, 2, 3, 0.5, -4, 0, 1L, 0L, null, null, null).isValid()).isFalse();
		assertThat(new IpcMessage.Stats(1, 2, 3, 0.5, 4, -7, 1L, 0L, null, null, null).isValid()).isFalse();
		assertThat(new IpcMessage.Stats(1, 2, 3, 0.5, 4, 0, 1L, -1L, null, null, null).isValid()).isFalse();
		assertThat(new IpcMessage.Stats(1, 2, 3, 0.5, 4, 0, 1L, 0L, -1L, null, null).isValid()).isFalse();
		assertThat(new IpcMessage.Stats(1, 2, 3, 0.5, 4, 0, 1L, 0L, 1L, -1L, null).isValid()).isFalse();
		assertThat(new IpcMessage.Stats(1, 2, 3, 0.5, 4, 0, 1L, 0L, 1L, 1L, -1L).isValid()).isFalse();
	}

	@Test
	void statsWithAWrongTypeAreRefused() {
		assertThatExceptionOfType(MessageCodec.MalformedMessageException.class).isThrownBy(() -> this.codec
			.decode("{\"type\":\"stats\",\"heapUsed\":\"lots\"}".getBytes(StandardCharsets.UTF_8)));
	}

	@Test
	void errorResponseSurvivesARoundTrip() throws Exception {
		byte[] line = this.codec.encode(new IpcMessage.Response(8, null, "nope"));
		IpcMessage decoded = this.codec.decode(java.util.Arrays.copyOf(line, line.length - 1));
		assertThat(decoded).isInstanceOfSatisfying(IpcMessage.Response.class, (response) -> {
			assertThat(response.seq()).isEqualTo(8);
			assertThat(response.error()).isEqualTo("nope");
		});
	}

	@Test
	void userPayloadCannotPassForAControlMessage() throws Exception {
		byte[] line = this.codec.encode(new IpcMessage.UserMessage(this.codec.toTree(Map.of("type", "disconnect"))));
		assertThat(this.codec.decode(java.util.Arrays.copyOf(line, line.length - 1)))
			.isInstanceOf(IpcMessage.UserMessage.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "not json", "{", "null", "[]", "42", "\"text\"", "{}", "{\"type\":\"unknown\"}",
			"{\"type\":42}", "{\"type\":\"hello\",\"id\":\"seven\"}", "{\"type\":\"listening\",\"port\":{}}" })
	void malformedLinesAreRejectedWithAReason(String line) {
		assertThatExceptionOfType(MessageCodec.MalformedMessageException.class)
			.isThrownBy(() -> this.codec.decode(line.getBytes(StandardCharsets.UTF_8)))
			.withMessageContaining("in line: ");
	}

	@Test
	void invalidUtf8IsRejected() {
		byte[] line = { '{', '"', 't', 'y', 'p', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}' };
		assertThatExceptionOfType(MessageCodec.MalformedMessageException.class).isThrownBy(() -> this.codec.decode(line));
	}

	@Test
	void longMalformedLineIsShortenedInTheReason() {
		String line = "x".repeat(500);
		assertThatExceptionOfType(MessageCodec.MalformedMessageException.class)
			.isThrownBy(() -> this.codec.decode(line.getBytes(StandardCharsets.UTF_8)))
			.withMessageContaining("... (500 bytes)");
	}

	@Test
	void messageLargerThanTheLimitIsRefusedWhenSent() {
		IpcMessage message = new IpcMessage.UserMessage(this.codec.toTree("x".repeat(2000)));
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.encode(message))
			.withMessageContaining("larger than the limit of 1024 bytes");
	}

	@Test
	void objectThatIsNotJsonIsRefusedWhenSent() {
		Object unwritable = new Object() {
			public String getValue() {
				throw new IllegalStateException("no value");
			}
		};
		assertThatIllegalArgumentException().isThrownBy(() -> this.codec.toTree(unwritable))
			.withMessageContaining("cannot be written as JSON");
	}

	@Test
	void payloadConvertsToARequestedType() {
		record Greeting(String text) {
		}
		assertThat(this.codec.fromTree(this.codec.toTree(Map.of("text", "hi")), Greeting.class))
			.isEqualTo(new Greeting("hi"));
	}

}
