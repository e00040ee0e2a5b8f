package io.clusterstarter.ipc;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Splits a byte stream into newline-delimited lines with a size limit. A line over the limit is
 * skipped up to its newline and reported, so one oversized message can neither exhaust memory
 * nor desynchronise the lines that follow it.
 *
 * @author cluster-spring-boot-starter
 */
public final class LineFramer {

	private final int maxLineLength;

	private final ByteArrayOutputStream current = new ByteArrayOutputStream();

	private boolean discarding;

	private long discarded;

	/**
	 * Create a framer.
	 * @param maxLineLength the largest line, in bytes, newline excluded
	 */
	public LineFramer(int maxLineLength) {
		this.maxLineLength = maxLineLength;
	}

	/**
	 * Consume bytes and emit every line they complete.
	 * @param bytes the bytes, read from position to limit
	 * @param onLine receives each complete line, newline excluded; empty lines are skipped
	 * @param onOversized receives the length of each line skipped for being too long
	 */
	public void feed(ByteBuffer bytes, Consumer<byte[]> onLine, Consumer<Long> onOversized) {
		while (bytes.hasRemaining()) {
			byte b = bytes.get();
			if (b == '\n') {
				if (this.discarding) {
					onOversized.accept(this.discarded);
					this.discarding = false;
					this.discarded = 0;
				}
				else if (this.current.size() > 0) {
					onLine.accept(this.current.toByteArray());
				}
				this.current.reset();
			}
			else if (this.discarding) {
				this.discarded++;
			}
			else if (this.current.size() >= this.maxLineLength) {
				this.discarding = true;
				this.discarded = this.current.size() + 1L;
				this.current.reset();
			}
			else {
				this.current.write(b);
			}
		}
	}

}
