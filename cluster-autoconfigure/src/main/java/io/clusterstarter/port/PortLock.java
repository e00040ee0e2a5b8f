package io.clusterstarter.port;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.clusterstarter.image.PrivateDirectory;

/**
 * Makes "one cluster per port" atomic. Every primary of this user takes an exclusive lock on a
 * file named after the port before it checks and reserves the port, and holds it until it exits:
 * the operating system releases the lock of a dead process, even one killed with SIGKILL. Two
 * primaries started at the same instant cannot both pass the check, because the second one's lock
 * fails while the first one holds it; checking first and binding after, which {@code SO_REUSEPORT}
 * would let both do, is not enough.
 * <p>
 * The files live in a directory only this user can enter. Only processes of the same user can
 * join a {@code SO_REUSEPORT} group, so a lock per user covers every process that could share the
 * port. A lock file stays when its primary exits (a few bytes per port ever used): removing it
 * would let a primary that opened it just before lock a file no later primary sees.
 *
 * @author cluster-spring-boot-starter
 */
final class PortLock implements AutoCloseable {

	/**
	 * Lock files this JVM holds. Asked twice, a JVM must answer without opening the file again:
	 * closing that second descriptor would release the lock it holds.
	 */
	private static final Set<Path> held = ConcurrentHashMap.newKeySet();

	private final Path file;

	private final FileChannel channel;

	private final FileLock lock;

	private PortLock(Path file, FileChannel channel, FileLock lock) {
		this.file = file;
		this.channel = channel;
		this.lock = lock;
	}

	/**
	 * Take the lock for a port, or say that another primary holds it.
	 * @param directory the directory of lock files, created private if missing
	 * @param port the port
	 * @return the lock, or {@code null} when another process holds it
	 * @throws IOException if the lock file cannot be created, or the directory is not this user's
	 */
	static PortLock tryAcquire(Path directory, int port) throws IOException {
		PrivateDirectory.ensure(directory);
		Path file = file(directory, port);
		if (!held.add(file)) {
			return null;
		}
		FileChannel channel;
		try {
			channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
		}
		catch (IOException | RuntimeException ex) {
			held.remove(file);
			throw ex;
		}
		try {
			FileLock lock = tryLock(channel);
			if (lock == null) {
				channel.close();
				held.remove(file);
				return null;
			}
			// Written through the locked channel: a POSIX lock is lost when the process closes
			// any descriptor of the file, so nothing in this process may open it again
			byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8);
			channel.truncate(0);
			channel.write(ByteBuffer.wrap(pid), 0);
			return new PortLock(file, channel, lock);
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			held.remove(file);
			throw ex;
		}
	}

	private static FileLock tryLock(FileChannel channel) throws IOException {
		try {
			return channel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			return null; // held by this very JVM, through a channel it opened otherwise
		}
	}

	/**
	 * Say which process holds a port's lock, for the log. Only for a lock this JVM does not
	 * hold: reading the file here would release it.
	 * @param directory the directory of lock files
	 * @param port the port
	 * @return the holder's pid as it wrote it, or {@code null}
	 */
	static String holder(Path directory, int port) {
		Path file = file(directory, port);
		// The holder writes its pid just after it takes the lock: a primary that lost the race
		// by a hair may look before that
		for (int attempt = 0; attempt < 50; attempt++) {
			try {
				String pid = Files.readString(file, StandardCharsets.UTF_8).strip();
				if (!pid.isEmpty()) {
					return pid;
				}
				Thread.sleep(20);
			}
			catch (IOException ex) {
				return null;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return null;
			}
		}
		return null;
	}

	/**
	 * Return whether this JVM holds a port's lock.
	 * @param directory the directory of lock files
	 * @param port the port
	 * @return whether the lock is this JVM's
	 */
	static boolean isHeldHere(Path directory, int port) {
		return held.contains(file(directory, port));
	}

	private static Path file(Path directory, int port) {
		return directory.toAbsolutePath().resolve("port-" + port + ".lock");
	}

	/**
	 * The directory a user's primaries keep their port locks in: the same for every primary of
	 * that user on this host.
	 * @return the directory
	 */
	static Path defaultDirectory() {
		return PrivateDirectory.inTemporaryDirectory();
	}

	@Override
	public void close() {
		try {
			this.lock.release();
			this.channel.close();
		}
		catch (IOException ex) {
			// The lock goes with the process anyway
		}
		finally {
			held.remove(this.file);
		}
	}

}
