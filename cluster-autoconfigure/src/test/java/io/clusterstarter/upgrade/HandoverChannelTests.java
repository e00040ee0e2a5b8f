package io.clusterstarter.upgrade;

import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link HandoverChannel}: the two primaries' messages cross a real Unix-domain socket
 * in order, and a side that goes away is told.
 */
@ExtendWith(OwnTemporaryDirectory.class)
class HandoverChannelTests {

	/** A pid no live process has, so that the socket's name is this test's own. */
	private static final long OLD_PRIMARY = Integer.MAX_VALUE - 7L;

	@Test
	void messagesCrossInOrderAndAClosedSideIsTold() throws Exception {
		try (ServerSocketChannel server = HandoverChannel.listen(OLD_PRIMARY)) {
			try (HandoverChannel successor = HandoverChannel.connect(HandoverChannel.socket(OLD_PRIMARY))) {
				AtomicReference<HandoverChannel> accepted = new AtomicReference<>();
				await().atMost(Duration.ofSeconds(10)).until(() -> {
					accepted.set(HandoverChannel.accept(server));
					return accepted.get() != null;
				});
				try (HandoverChannel old = accepted.get()) {
					successor.send(HandoverChannel.HELLO + " 42");
					successor.send(HandoverChannel.FAILED + " worker 3 exited\nwith status 1");
					String hello = old.receive(Duration.ofSeconds(10));
					assertThat(HandoverChannel.word(hello)).isEqualTo(HandoverChannel.HELLO);
					assertThat(HandoverChannel.rest(hello)).isEqualTo("42");
					assertThat(HandoverChannel.rest(old.receive(Duration.ofSeconds(10))))
						.isEqualTo("worker 3 exited with status 1");
					assertThat(old.receive(Duration.ofMillis(50))).isNull();
					old.send(HandoverChannel.TAKE_OVER);
					assertThat(successor.receive(Duration.ofSeconds(10))).isEqualTo(HandoverChannel.TAKE_OVER);
				}
				assertThat(successor.receive(Duration.ofSeconds(10))).isEqualTo(HandoverChannel.CLOSED);
				assertThat(successor.receive(Duration.ofSeconds(10))).isEqualTo(HandoverChannel.CLOSED);
			}
		}
		finally {
			Files.deleteIfExists(HandoverChannel.socket(OLD_PRIMARY));
		}
	}

}
