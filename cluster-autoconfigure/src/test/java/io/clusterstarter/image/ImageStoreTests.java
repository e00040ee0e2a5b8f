package io.clusterstarter.image;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ImageStore}: which images the clean-up keeps.
 */
class ImageStoreTests {

	@TempDir
	Path root;

	@Test
	void keepsTheCurrentImageAndTheMostRecentlyUsedOther() throws IOException {
		ImageStore store = ImageStore.open(this.root, "app");
		ready(store, key("old"), 300);
		ready(store, key("older"), 600);
		ready(store, key("current"), 0);
		store.removeOld(key("current"), 2);
		assertThat(store.image(key("current"))).exists();
		assertThat(store.image(key("old"))).exists();
		assertThat(store.image(key("older"))).doesNotExist();
	}

	@Test
	void removesHalfMadeImagesNobodyPrepares() throws IOException, InterruptedException {
		ImageStore store = ImageStore.open(this.root, "app");
		ready(store, key("current"), 0);
		Files.createDirectories(store.image(key("abandoned")));
		Files.createDirectories(store.image(key("in-preparation")));
		try (FileLock preparing = store.lockForPreparation(key("in-preparation"), Duration.ofSeconds(1))) {
			store.removeOld(key("current"), 2);
			assertThat(store.image(key("abandoned"))).doesNotExist();
			assertThat(store.image(key("in-preparation"))).exists();
		}
	}

	@Test
	void neverRemovesAnImageInUse() throws IOException {
		ImageStore store = ImageStore.open(this.root, "app");
		ready(store, key("used"), 900);
		ready(store, key("newer"), 300);
		ready(store, key("current"), 0);
		try (FileLock inUse = store.markInUse(key("used"))) {
			store.removeOld(key("current"), 2);
			assertThat(store.image(key("used"))).exists();
		}
		store.removeOld(key("current"), 2);
		// key("used") was marked in use just now, which makes it the most recent: key("newer") goes
		assertThat(store.image(key("used"))).exists();
		assertThat(store.image(key("newer"))).doesNotExist();
	}

	@Test
	void invalidatedImageIsNoLongerReady() throws IOException {
		ImageStore store = ImageStore.open(this.root, "app");
		ready(store, key("refused"), 0);
		assertThat(store.isReady(key("refused"))).isTrue();
		store.invalidate(key("refused"));
		assertThat(store.isReady(key("refused"))).isFalse();
	}

	@Test
	void leavesTheReleasesCopiesBesideTheImagesAlone() throws IOException {
		ImageStore store = ImageStore.open(this.root, "app");
		ready(store, key("current"), 0);
		Path releases = Files.createDirectories(store.directory().resolve("releases").resolve("0123456789abcdef"));
		store.removeOld(key("current"), 1);
		assertThat(releases).exists();
	}

	/** Images are named by their key, 32 hexadecimal digits. */
	private static String key(String name) {
		return String.format("%032x", new BigInteger(1, name.getBytes(StandardCharsets.UTF_8)));
	}

	private static void ready(ImageStore store, String key, long secondsAgo) throws IOException {
		Path image = Files.createDirectories(store.image(key));
		Path ready = Files.writeString(image.resolve(ImageStore.READY), "jar=\n");
		Files.setLastModifiedTime(ready, FileTime.from(Instant.now().minusSeconds(secondsAgo)));
	}

}
