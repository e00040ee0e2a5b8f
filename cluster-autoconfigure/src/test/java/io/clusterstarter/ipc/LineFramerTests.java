package io.clusterstarter.ipc;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LineFramer}.
 */
class LineFramerTests {

	private final List<String> lines = new ArrayList<>();

	private final List<Long> oversized = new ArrayList<>();

	private final LineFramer framer = new LineFramer(10);

	@Test
	void linesSplitAcrossReadsAreJoined() {
		feed("abc");
		feed("de\nfg");
		feed("\n");
		assertThat(this.lines).containsExactly("abcde", "fg");
	}

	@Test
	void severalLinesInOneReadAreSeparatedAndEmptyLinesSkipped() {
		feed("a\n\nb\nc\n");
		assertThat(this.lines).containsExactly("a", "b", "c");
	}

	@Test
	void incompleteLineIsHeldBack() {
		feed("abc");
		assertThat(this.lines).isEmpty();
	}

	@Test
	void oversizedLineIsSkippedUpToItsNewlineAndReported() {
		feed("0123456789");
		assertThat(this.oversized).isEmpty();
		feed("ABCDEFGHIJKLMNOP");
		feed("QRSTUV\nok\n");
		assertThat(this.lines).containsExactly("ok");
		assertThat(this.oversized).containsExactly(32L);
	}

	@Test
	void lineOfExactlyTheLimitIsAccepted() {
		feed("0123456789\n");
		assertThat(this.lines).containsExactly("0123456789");
	}

	private void feed(String text) {
		this.framer.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)),
				(line) -> this.lines.add(new String(line, StandardCharsets.UTF_8)), this.oversized::add);
	}

}
