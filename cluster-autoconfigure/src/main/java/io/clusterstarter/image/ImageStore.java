package io.clusterstarter.image;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.util.FileSystemUtils;

/**
 * The images of one application on disk: {@code <root>/<application>/<key>/}, in a directory only
 * this user may enter. An image counts only once its {@code ready} file exists, which is written
 * last; an image half made by a primary that died is made again. Primaries that share an image
 * coordinate through file locks, which the operating system releases when a process dies: one
 * prepares an image while the others wait for it, and every primary that may fork from an image
 * holds a shared lock on it, so that the clean-up of old images never removes one in use.
 *
 * @author cluster-spring-boot-starter
 */
final class ImageStore {

	private static final Log logger = LogFactory.getLog(ImageStore.class);

	static final String READY = "ready";

	private static final String IN_USE = "in-use.lock";

	/** An image's directory: its key, 32 hexadecimal digits. */
	private static final Pattern IMAGE_NAME = Pattern.compile("[0-9a-f]{32}");

	private final Path directory;

	private ImageStore(Path directory) {
		this.directory = directory;
	}

	/**
	 * Open (and create, private) the images directory of an application.
	 * @param root the images root
	 * @param application the application's name, a safe file name
	 * @return the store
	 * @throws IOException if the directory cannot be created, or is not this user's alone
	 */
	static ImageStore open(Path root, String application) throws IOException {
		PrivateDirectory.ensure(root);
		return new ImageStore(PrivateDirectory.ensure(root.resolve(application)));
	}

	Path directory() {
		return this.directory;
	}

	Path image(String key) {
		return this.directory.resolve(key);
	}

	boolean isReady(String key) {
		return Files.isRegularFile(image(key).resolve(READY));
	}

	/**
	 * Take the exclusive right to prepare an image, waiting while another primary prepares it.
	 * @param key the image
	 * @param timeout how long to wait
	 * @return the lock, or {@code null} if the other primary still holds it after the timeout
	 * @throws IOException if the lock file cannot be opened
	 * @throws InterruptedException if interrupted while waiting
	 */
	FileLock lockForPreparation(String key, Duration timeout) throws IOException, InterruptedException {
		FileChannel channel = FileChannel.open(this.directory.resolve(key + ".lock"), StandardOpenOption.CREATE,
				StandardOpenOption.WRITE);
		Instant giveUp = Instant.now().plus(timeout);
		try {
			while (true) {
				FileLock lock = tryLock(channel, false);
				if (lock != null) {
					return lock;
				}
				if (Instant.now().isAfter(giveUp)) {
					channel.close();
					return null;
				}
				Thread.sleep(500);
			}
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	/**
	 * Note that this process may fork workers from an image until it releases the lock.
	 * @param key the image
	 * @return the shared lock
	 * @throws IOException if the lock file cannot be opened or locked
	 */
	FileLock markInUse(String key) throws IOException {
		// A shared lock needs a readable channel
		FileChannel channel = FileChannel.open(image(key).resolve(IN_USE), StandardOpenOption.CREATE,
				StandardOpenOption.READ, StandardOpenOption.WRITE);
		FileLock lock = tryLock(channel, true);
		if (lock == null) {
			channel.close();
			throw new IOException("Could not lock " + image(key).resolve(IN_USE));
		}
		// The most recently used images are the ones kept
		Files.setLastModifiedTime(image(key).resolve(READY), FileTime.from(Instant.now()));
		return lock;
	}

	/**
	 * Forget an image whose cache the JVM refused: the next primary prepares it again.
	 * @param key the image
	 */
	void invalidate(String key) {
		try {
			Files.deleteIfExists(image(key).resolve(READY));
		}
		catch (IOException ex) {
			logger.debug("Could not invalidate image " + key, ex);
		}
	}

	/**
	 * Remove images beyond the most recently used {@code keep}, and the half-made ones that no
	 * primary is preparing; images other primaries use stay.
	 * @param current the image this primary uses, always kept
	 * @param keep how many images to keep, the current one included
	 */
	void removeOld(String current, int keep) {
		List<Path> images = new ArrayList<>();
		try (Stream<Path> entries = Files.list(this.directory)) {
			// Only images, named by their key: the releases' copies live beside them
			entries.filter(Files::isDirectory)
				.filter((image) -> IMAGE_NAME.matcher(image.getFileName().toString()).matches())
				.filter((image) -> !image.getFileName().toString().equals(current))
				.forEach(images::add);
		}
		catch (IOException ex) {
			logger.debug("Could not list " + this.directory, ex);
			return;
		}
		images.sort(Comparator.comparing(ImageStore::lastUsed).reversed());
		int kept = 1;
		for (Path image : images) {
			boolean ready = Files.isRegularFile(image.resolve(READY));
			if (ready && kept < keep) {
				kept++;
				continue;
			}
			removeUnlessUsed(image, ready);
		}
	}

	private void removeUnlessUsed(Path image, boolean ready) {
		String key = image.getFileName().toString();
		Path lockFile = ready ? image.resolve(IN_USE) : this.directory.resolve(key + ".lock");
		if (!removeUnlessLocked(image, lockFile, "the old worker image")) {
			return; // a running primary forks from it, or prepares it
		}
		if (!ready) {
			return;
		}
		try {
			Files.deleteIfExists(this.directory.resolve(key + ".lock"));
		}
		catch (IOException ex) {
			// Left for the next clean-up
		}
	}

	private static FileTime lastUsed(Path image) {
		try {
			return Files.getLastModifiedTime(image.resolve(READY));
		}
		catch (IOException ex) {
			return FileTime.fromMillis(0);
		}
	}

	/**
	 * Delete a directory unless another process (or this JVM, through another channel) holds
	 * a lock on the file that guards it: the lock is taken exclusively, without waiting, and
	 * held while the directory goes.
	 * @param directory the directory
	 * @param lockFile the file whose lock guards it, created if missing
	 * @param what what the directory is, for the log
	 * @return {@code false} if the lock is held, so nothing was deleted; {@code true} once the
	 * deletion was tried
	 */
	static boolean removeUnlessLocked(Path directory, Path lockFile, String what) {
		try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
			FileLock lock = tryLock(channel, false);
			if (lock == null) {
				return false;
			}
			try {
				FileSystemUtils.deleteRecursively(directory);
				logger.debug("Removed " + what + " " + directory);
			}
			finally {
				lock.release();
			}
		}
		catch (IOException ex) {
			logger.debug("Could not remove " + what + " " + directory, ex);
		}
		return true;
	}

	static FileLock tryLock(FileChannel channel, boolean shared) throws IOException {
		try {
			return channel.tryLock(0, Long.MAX_VALUE, shared);
		}
		catch (OverlappingFileLockException ex) {
			return null; // this very JVM holds it through another channel
		}
	}

}
