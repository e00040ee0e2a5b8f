package io.clusterstarter.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The primary's private copies of the releases it runs: {@code <root>/<application>/releases/
 * <hash>/<file name>}, in a directory only this user may enter. A release's workers run from its
 * copy (or from its image, extracted from the copy), never from the file the user named: that
 * file may be overwritten in place by the next build, renamed over or deleted, and the running
 * release must not change with it. Copies are named by their content, so two primaries of the
 * same build share one; each primary holds a shared lock on those it uses, and a copy nobody
 * holds is removed at the next clean-up.
 *
 * @author cluster-spring-boot-starter
 */
public final class ReleaseStore {

	private static final Log logger = LogFactory.getLog(ReleaseStore.class);

	private static final String IN_USE = "in-use.lock";

	private static final String INCOMING = ".incoming-";

	/** A copy left half-written by a primary that died is removed after this long. */
	private static final Duration ABANDONED = Duration.ofHours(1);

	private final Path directory;

	/**
	 * The locks this JVM holds, by release, with how many staged copies use each: the JVM
	 * refuses a second lock on a file it has locked already, even a shared one.
	 */
	private final Map<Path, Held> held = new HashMap<>();

	private static final class Held {

		private final FileLock lock;

		private int users;

		Held(FileLock lock) {
			this.lock = lock;
		}

	}

	private ReleaseStore(Path directory) {
		this.directory = directory;
	}

	/**
	 * Open (and create, private) the releases directory of an application.
	 * @param root the root shared with the worker images
	 * @param application the application's directory name
	 * @return the store
	 * @throws IOException if a directory cannot be created, or is not this user's alone
	 */
	public static ReleaseStore open(Path root, String application) throws IOException {
		PrivateDirectory.ensure(root);
		PrivateDirectory.ensure(root.resolve(application));
		return new ReleaseStore(PrivateDirectory.ensure(root.resolve(application).resolve("releases")));
	}

	/**
	 * Copy an artifact into the store, hashing it on the way: one read of the user's file, and
	 * everything after (the checks, the image, the workers) reads the copy.
	 * @param artifact the artifact, a regular file
	 * @return the staged copy, held until {@link Staged#close() closed}
	 * @throws IOException if it cannot be read or copied
	 */
	public Staged stage(Path artifact) throws IOException {
		Path incoming = this.directory.resolve(INCOMING + ProcessHandle.current().pid() + "-" + System.nanoTime());
		MessageDigest digest = ImageKey.sha256();
		long size = 0;
		try {
			try (InputStream in = Files.newInputStream(artifact);
					OutputStream out = Files.newOutputStream(incoming, StandardOpenOption.CREATE_NEW)) {
				byte[] buffer = new byte[256 * 1024];
				for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
					digest.update(buffer, 0, read);
					out.write(buffer, 0, read);
					size += read;
				}
			}
			String sha256 = HexFormat.of().formatHex(digest.digest());
			Path release = PrivateDirectory.ensure(this.directory.resolve(sha256.substring(0, 16)));
			hold(release);
			// Named after the file a symlink points to: app-1.4.0.jar rather than current.jar
			Path file = release.resolve(artifact.toRealPath().getFileName().toString());
			try {
				moveInto(incoming, release, file);
				file = existingCopy(release, file);
			}
			catch (IOException | RuntimeException ex) {
				letGo(release);
				throw ex;
			}
			return new Staged(this, release, file, sha256, size);
		}
		finally {
			Files.deleteIfExists(incoming);
		}
	}

	/**
	 * Move the new copy in, unless the release already has one (the same content, staged
	 * earlier or by another primary).
	 */
	private static void moveInto(Path incoming, Path release, Path file) throws IOException {
		if (existingCopy(release, null) != null) {
			return;
		}
		try {
			Files.move(incoming, file, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (FileAlreadyExistsException | AtomicMoveNotSupportedException ex) {
			if (!Files.isRegularFile(file)) {
				Files.move(incoming, file, StandardCopyOption.REPLACE_EXISTING);
			}
		}
	}

	/**
	 * The release's jar, whatever it was named when it was first staged.
	 */
	private static Path existingCopy(Path release, Path orElse) throws IOException {
		try (Stream<Path> files = Files.list(release)) {
			return files.filter((file) -> file.getFileName().toString().endsWith(".jar")).findFirst().orElse(orElse);
		}
	}

	/**
	 * Remove the copies no running primary holds, and copies abandoned half-written.
	 */
	public void removeUnused() {
		try (Stream<Path> entries = Files.list(this.directory)) {
			entries.forEach((entry) -> {
				String name = entry.getFileName().toString();
				if (name.startsWith(INCOMING)) {
					removeIfAbandoned(entry);
				}
				else if (Files.isDirectory(entry)) {
					removeUnlessHeld(entry);
				}
			});
		}
		catch (IOException ex) {
			logger.debug("Could not clean up " + this.directory, ex);
		}
	}

	private static void removeIfAbandoned(Path incoming) {
		try {
			if (Files.getLastModifiedTime(incoming).toInstant().isBefore(Instant.now().minus(ABANDONED))) {
				Files.deleteIfExists(incoming);
			}
		}
		catch (IOException ex) {
			// Left for the next clean-up
		}
	}

	private void removeUnlessHeld(Path release) {
		synchronized (this) {
			if (this.held.containsKey(release)) {
				return;
			}
		}
		ImageStore.removeUnlessLocked(release, release.resolve(IN_USE), "the release copy");
	}

	private synchronized void hold(Path release) throws IOException {
		Held current = this.held.get(release);
		if (current == null) {
			FileChannel channel = FileChannel.open(release.resolve(IN_USE), StandardOpenOption.CREATE,
					StandardOpenOption.READ, StandardOpenOption.WRITE);
			FileLock lock = ImageStore.tryLock(channel, true);
			if (lock == null) {
				channel.close();
				throw new IOException("Could not lock " + release.resolve(IN_USE) + " (another primary removes it?)");
			}
			current = new Held(lock);
			this.held.put(release, current);
		}
		current.users++;
	}

	private synchronized void letGo(Path release) {
		Held current = this.held.get(release);
		if (current != null && --current.users == 0) {
			this.held.remove(release);
			release(current.lock);
		}
	}

	private static void release(FileLock lock) {
		try {
			lock.release();
			lock.channel().close();
		}
		catch (IOException ex) {
			// Released with the process anyway
		}
	}

	/**
	 * Hash a file's content, to tell whether it holds a release already running.
	 * @param file the file
	 * @return its SHA-256, in hexadecimal
	 * @throws IOException if it cannot be read
	 */
	public static String sha256Of(Path file) throws IOException {
		MessageDigest digest = ImageKey.sha256();
		ImageKey.updateWithContent(digest, file);
		return HexFormat.of().formatHex(digest.digest());
	}

	/**
	 * A release's private copy, which this primary holds until it is closed.
	 */
	public static final class Staged implements AutoCloseable {

		private final ReleaseStore store;

		private final Path release;

		private final Path file;

		private final String sha256;

		private final long size;

		private boolean closed;

		Staged(ReleaseStore store, Path release, Path file, String sha256, long size) {
			this.store = store;
			this.release = release;
			this.file = file;
			this.sha256 = sha256;
			this.size = size;
		}

		/**
		 * Return the copy.
		 * @return the jar the release's workers run
		 */
		public Path file() {
			return this.file;
		}

		/**
		 * Return the SHA-256 of its content.
		 * @return the hash, in hexadecimal
		 */
		public String sha256() {
			return this.sha256;
		}

		/**
		 * Return its size.
		 * @return the size in bytes
		 */
		public long size() {
			return this.size;
		}

		/**
		 * Let the copy go: the next clean-up removes it unless another primary holds it.
		 */
		@Override
		public synchronized void close() {
			if (!this.closed) {
				this.closed = true;
				this.store.letGo(this.release);
			}
		}

	}

}
