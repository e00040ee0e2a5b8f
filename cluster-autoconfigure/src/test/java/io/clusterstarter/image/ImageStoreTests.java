package io.clusterstarter.image;

import java.io.IOException;
import java.nio.channels.FileLock;
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
		ready(store, "old", 300);
		ready(store, "older", 600);
		ready(store, "current", 0);
		store.removeOld("current", 2);
		assertThat(store.image("current")).exists();
		assertThat(store.image("old")).exists();
		assertThat(store.image("older")).doesNotExist();
	}

	@Test
	void removesHalfMadeImagesNobodyPrepares() throws IOException, InterruptedException {
		ImageStore store = ImageStore.open(this.root, "app");
		ready(store, "current", 0);
		Files.createDirectories(store.image("abandoned"));
		Files.createDirectories(store.image("in-preparation"));
		try (FileLock preparing = store.lockForPreparation("in-preparation", Duration.ofSeconds(1))) {
			store.removeOld("current", 2);
			assertThat(store.image("abandoned")).doesNotExist();
			assertThat(store.image("in-preparation")).exists();
		}
	}

	@Test
	void neverRemovesAnImageInUse() throws IOException {
		ImageStore store = ImageStore.open(this.root, "app");
		ready(store, "used", 900);
		ready(store, "newer", 300);
		ready(store, "current", 0);
		try (FileLock inUse = store.markInUse("used")) {
			store.removeOld("current", 2);
			assertThat(store.image("used")).exists();
		}
		store.removeOld("current", 2);
		// "used" was marked in use just now, which makes it the most recent: "newer" goes
		assertThat(store.image("used")).exists();
		assertThat(store.image("newer")).doesNotExist();
	}

	@Test
	void invalidatedImageIsNoLongerReady() throws IOException {
		ImageStore store = ImageStore.open(this.root, "app");
		ready(store, "refused", 0);
		assertThat(store.isReady("refused")).isTrue();
		store.invalidate("refused");
		assertThat(store.isReady("refused")).isFalse();
	}

	private static void ready(ImageStore store, String key, long secondsAgo) throws IOException {
		Path image = Files.createDirectories(store.image(key));
		Path ready = Files.writeString(image.resolve(ImageStore.READY), "jar=\n");
		Files.setLastModifiedTime(ready, FileTime.from(Instant.now().minusSeconds(secondsAgo)));
	}

}
