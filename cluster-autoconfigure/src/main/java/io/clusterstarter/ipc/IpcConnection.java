package io.clusterstarter.ipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One end of a primary-worker channel: thread-safe sending of whole lines and a blocking read
 * loop that hands each decoded message to a handler. Malformed lines are logged and dropped; they
 * never close the channel.
 *
 * @author cluster-spring-boot-starter
 */
public class IpcConnection implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(IpcConnection.class);

	private final SocketChannel channel;

	private final MessageCodec codec;

	private final String peer;

	private final Object writeLock = new Object();

	private final AtomicBoolean closed = new AtomicBoolean();

	/**
	 * Create a connection over a connected channel.
	 * @param channel the channel, in blocking mode
	 * @param codec the codec
	 * @param peer a name for the other end, used in log messages
	 */
	public IpcConnection(SocketChannel channel, MessageCodec codec, String peer) {
		this.channel = channel;
		this.codec = codec;
		this.peer = peer;
	}

	/**
	 * Send a message.
	 * @param message the message
	 * @return {@code true} if it was written, {@code false} if the channel is closed
	 * @throws IllegalArgumentException if the message cannot be encoded or is too large
	 */
	public boolean send(IpcMessage message) {
		byte[] line = this.codec.encode(message);
		synchronized (this.writeLock) {
			if (!isOpen()) {
				return false;
			}
			try {
				ByteBuffer buffer = ByteBuffer.wrap(line);
				while (buffer.hasRemaining()) {
					this.channel.write(buffer);
				}
				return true;
			}
			catch (IOException ex) {
				logger.debug("Could not send to " + this.peer + ": " + ex.getMessage());
				close();
				return false;
			}
		}
	}

	/**
	 * Read messages until the channel closes, then return.
	 * @param handler receives each valid message, on the calling thread
	 */
	public void readLoop(MessageHandler handler) {
		LineFramer framer = new LineFramer(this.codec.maxMessageSize());
		ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
		try {
			while (isOpen()) {
				buffer.clear();
				if (this.channel.read(buffer) < 0) {
					break;
				}
				buffer.flip();
				framer.feed(buffer, (line) -> dispatch(line, handler), (length) -> logger
					.warn("Dropped a message of " + length + " bytes from " + this.peer + ": larger than the limit of "
							+ this.codec.maxMessageSize() + " bytes (cluster.ipc.max-message-size)"));
			}
		}
		catch (IOException ex) {
			logger.debug("Channel to " + this.peer + " failed: " + ex.getMessage());
		}
		finally {
			close();
		}
	}

	private void dispatch(byte[] line, MessageHandler handler) {
		IpcMessage message;
		try {
			message = this.codec.decode(line);
		}
		catch (MessageCodec.MalformedMessageException ex) {
			logger.warn("Dropped a malformed message from " + this.peer + ": " + ex.getMessage());
			return;
		}
		try {
			handler.handle(message);
		}
		catch (RuntimeException ex) {
			logger.error("Failed to handle " + message.getClass().getSimpleName() + " from " + this.peer, ex);
		}
	}

	/**
	 * Return whether the channel is open.
	 * @return whether the channel is open
	 */
	public boolean isOpen() {
		return !this.closed.get() && this.channel.isOpen();
	}

	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				// Nothing left to release
			}
		}
	}

	/**
	 * Receives decoded messages.
	 */
	@FunctionalInterface
	public interface MessageHandler {

		/**
		 * Handle one message.
		 * @param message the message
		 */
		void handle(IpcMessage message);

	}

}
