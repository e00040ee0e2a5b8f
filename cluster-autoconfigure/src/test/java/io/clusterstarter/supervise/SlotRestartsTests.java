package io.clusterstarter.supervise;

import java.time.Duration;

import io.clusterstarter.autoconfigure.ClusterProperties;
import io.clusterstarter.autoconfigure.ClusterProperties.RestartPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

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
		assertThat(restarts.exitedUnexpectedly(1, "worker 11", 1, null, null)).isEqualTo(100);
		assertThat(restarts.reserved()).containsExactly(1);
		assertThat(restarts.takePending(1)).isTrue();
		assertThat(restarts.takePending(1)).isFalse();
		assertThat(restarts.exitedUnexpectedly(1, "worker 11", 1, null, null)).isEqualTo(200);
		assertThat(restarts.exitedUnexpectedly(1, "worker 11", 1, null, null)).isEqualTo(300);
		assertThat(restarts.exitedUnexpectedly(1, "worker 11", 1, null, null)).isEqualTo(300);
		restarts.stable(1);
		assertThat(restarts.exitedUnexpectedly(1, "worker 11", 1, null, null)).isEqualTo(100);
	}

	@Test
	void slotThatFailsTooOftenIsGivenUpAndForgottenWhenScaledAway() {
		ClusterProperties.Restart restart = new ClusterProperties().getRestart();
		restart.setMaxFailures(3);
		SlotRestarts restarts = new SlotRestarts(restart);
		assertThat(restarts.exitedUnexpectedly(2, "worker 12", 1, null, null)).isNotNegative();
		assertThat(restarts.exitedUnexpectedly(2, "worker 12", 1, null, null)).isNotNegative();
		assertThat(restarts.exitedUnexpectedly(2, "worker 12", 137, "SIGKILL", null)).isEqualTo(-1);
		assertThat(restarts.failedSlots()).containsExactly(2);
		assertThat(restarts.reserved()).containsExactly(2);
		assertThat(restarts.failedCount()).isEqualTo(1);
		restarts.forgetFrom(2);
		assertThat(restarts.failedSlots()).isEmpty();
		assertThat(restarts.reserved()).isEmpty();
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void slotWhoseWorkersAreKilledForMemorySaysSoWithWhatEachWorkerMayUse(CapturedOutput output) {
		ClusterProperties.Restart restart = new ClusterProperties().getRestart();
		restart.setMaxFailures(2);
		SlotRestarts restarts = new SlotRestarts(restart);
		String memory = "the memory limit is 1.5 GiB, and each worker may use 916 MiB of heap (-Xmx916M from "
				+ "JAVA_TOOL_OPTIONS) and about 200 MiB beside it";
		assertThat(restarts.exitedUnexpectedly(0, "worker 10 (pid 4321)", 137, "SIGKILL", memory)).isEqualTo(100);
		assertThat(output).contains("was killed by the kernel's OOM killer (code 137, SIGKILL): " + memory
				+ "; replacing it in slot 0 in 100 ms");
		assertThat(restarts.exitedUnexpectedly(0, "worker 10 (pid 4321)", 137, "SIGKILL", memory)).isEqualTo(-1);
		assertThat(output).containsPattern("Slot 0 failed: its workers exited unexpectedly 2 times within 300 s, 2 of "
				+ "them killed by the kernel's OOM killer \\(last worker 10 \\(pid 4321\\) was killed by the kernel's OOM "
				+ "killer \\(code 137, SIGKILL\\)\\); it is not restarted again; the memory limit is 1.5 GiB, and each "
				+ "worker may use 916 MiB of heap \\(-Xmx916M from JAVA_TOOL_OPTIONS\\) and about 200 MiB beside it: lower "
				+ "cluster.workers or each worker's heap \\(cluster.exec-argv\\), or give the cluster more memory, then "
				+ "restart the cluster.");
	}

}
