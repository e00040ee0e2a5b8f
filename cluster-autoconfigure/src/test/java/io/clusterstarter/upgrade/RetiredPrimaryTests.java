package io.clusterstarter.upgrade;

import java.util.Map;

import io.clusterstarter.autoconfigure.ClusterProperties.Upgrade.OldPrimary;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RetiredPrimary}: when an old primary waits for the new one.
 */
class RetiredPrimaryTests {

	@Test
	void waitsWhenAServiceManagerWatchesIt() {
		ProcessHandle init = ProcessHandle.of(1).orElseThrow();
		assertThat(RetiredPrimary.isWatched(init, Map.of())).as("PID 1").isTrue();
		ProcessHandle self = ProcessHandle.current();
		boolean childOfInit = self.parent().map(ProcessHandle::pid).orElse(0L) == 1;
		assertThat(RetiredPrimary.isWatched(self, Map.of("INVOCATION_ID", "5e1d"))).as("started by systemd").isTrue();
		assertThat(RetiredPrimary.isWatched(self, Map.of())).as("a test run by a build tool").isEqualTo(childOfInit);
	}

	@Test
	void waitAndExitOverrideTheGuess() throws Exception {
		Process process = new ProcessBuilder("sleep", "30").start();
		try {
			assertThat(RetiredPrimary.of(process, OldPrimary.WAIT)).isPresent();
			assertThat(RetiredPrimary.of(process, OldPrimary.EXIT)).isEmpty();
		}
		finally {
			process.destroyForcibly().waitFor();
		}
	}

	@Test
	void passesSignalsOnAndExitsWithTheNewPrimarysStatus() throws Exception {
		Process process = new ProcessBuilder("sleep", "60").start();
		RetiredPrimary retired = RetiredPrimary.of(process, OldPrimary.WAIT).orElseThrow();
		retired.forward("SIGHUP");
		// Ended by the signal itself: 128 + 1
		assertThat(retired.await()).isEqualTo(129);
		Process second = new ProcessBuilder("sleep", "60").start();
		RetiredPrimary again = RetiredPrimary.of(second, OldPrimary.WAIT).orElseThrow();
		again.forward("SIGTERM");
		assertThat(again.await()).isEqualTo(143);
	}

}
