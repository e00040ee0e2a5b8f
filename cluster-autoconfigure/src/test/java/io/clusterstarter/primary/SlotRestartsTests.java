package io.clusterstarter.primary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.autoconfigure.ClusterProperties.RestartPolicy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SlotRestarts}: the policy, the backoff and the crash-loop limit.
 */
class SlotRestartsTests {

	@Test
	void policyDecidesWhichExitsAreReplaced() {
		ClusterProperties.Restart restart = new ClusterProperties().getRestart();
		SlotRestarts restarts = new SlotRestarts(restart);
		assertThat(restarts.replaces(0)).isTrue();
		restart.setPolicy(RestartPolicy.ON_FAILURE);
		assertThat(restarts.replaces(0)).isFalse();
		assertThat(restarts.replaces(1)).isTrue();
		restart.setPolicy(RestartPolicy.NEVER);
		assertThat(restarts.replaces(137)).isFalse();
	}

	@Test
	void backoffGrowsUpToItsLimitThenStartsOverOnceStable() {
		// Each call counts an exit; with max-failures 0 the slot is never given up
		ClusterProperties.Restart restart = new ClusterProperties().getRestart();
		restart.setInitialBackoff(Duration.ofMillis(100));
		restart.setMaxBackoff(Duration.ofMillis(300));
		restart.setMaxFailures(0);
		SlotRestarts restarts = new SlotRestarts(restart);
		assertThat(restarts.exitedUnexpectedly(worker(1), 1, null)).isEqualTo(100);
		assertThat(restarts.reserved()).containsExactly(1);
		assertThat(restarts.takePending(1)).isTrue();
		assertThat(restarts.takePending(1)).isFalse();
		assertThat(restarts.exitedUnexpectedly(worker(1), 1, null)).isEqualTo(200);
		assertThat(restarts.exitedUnexpectedly(worker(1), 1, null)).isEqualTo(300);
		assertThat(restarts.exitedUnexpectedly(worker(1), 1, null)).isEqualTo(300);
		restarts.stable(1);
		assertThat(restarts.exitedUnexpectedly(worker(1), 1, null)).isEqualTo(100);
	}

	@Test
	void slotThatFailsTooOftenIsGivenUpAndForgottenWhenScaledAway() {
		ClusterProperties.Restart restart = new ClusterProperties().getRestart();
		restart.setMaxFailures(3);
		SlotRestarts restarts = new SlotRestarts(restart);
		assertThat(restarts.exitedUnexpectedly(worker(2), 1, null)).isNotNegative();
		assertThat(restarts.exitedUnexpectedly(worker(2), 1, null)).isNotNegative();
		assertThat(restarts.exitedUnexpectedly(worker(2), 137, "SIGKILL")).isEqualTo(-1);
		assertThat(restarts.failedSlots()).containsExactly(2);
		assertThat(restarts.reserved()).containsExactly(2);
		assertThat(restarts.failedCount()).isEqualTo(1);
		restarts.forgetFrom(2);
		assertThat(restarts.failedSlots()).isEmpty();
		assertThat(restarts.reserved()).isEmpty();
	}

	/** A worker record in a slot, over a real (short-lived) process, for its pid in log lines. */
	private static ManagedWorker worker(int slot) {
		try {
			Process process = new ProcessBuilder("true").start();
			process.waitFor();
			return new ManagedWorker(slot + 10, slot, "token", process, null, null, 0, null, null, null);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
