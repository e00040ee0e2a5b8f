package io.clusterstarter.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CacheCheck}: a damaged or changed cache is found before a worker maps it.
 */
class CacheCheckTests {

	@TempDir
	Path directory;

	@Test
	void cacheAsMadeHasNoDamage() throws IOException {
		Path cache = Files.writeString(this.directory.resolve("app.jsa"), "archive");
		assertThat(CacheCheck.damage(cache, "7", CacheCheck.sha256(cache))).isNull();
	}

	@Test
	void truncatedOrOverwrittenCacheIsDamaged() throws IOException {
		Path cache = Files.writeString(this.directory.resolve("app.jsa"), "archive");
		String sha256 = CacheCheck.sha256(cache);
		Files.writeString(cache, "arch");
		assertThat(CacheCheck.damage(cache, "7", sha256)).endsWith("is damaged: 4 bytes where 7 were written");
		Files.writeString(cache, "archivX");
		assertThat(CacheCheck.damage(cache, "7", sha256)).contains("is damaged: its checksum differs");
		Files.delete(cache);
		assertThat(CacheCheck.damage(cache, "7", sha256)).contains("cannot be read");
	}

	@Test
	void changeAfterTheCheckIsNoticed() throws IOException {
		Path cache = Files.writeString(this.directory.resolve("app.aot"), "cache");
		Files.setLastModifiedTime(cache, FileTime.from(Instant.now().minusSeconds(60)));
		CacheCheck check = CacheCheck.of(cache);
		assertThat(check.isUnchanged()).isTrue();
		Files.writeString(cache, "other");
		assertThat(check.isUnchanged()).isFalse();
		Files.delete(cache);
		assertThat(check.isUnchanged()).isFalse();
	}

}
