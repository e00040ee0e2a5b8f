package io.clusterstarter.it.apps.common;

import java.nio.file.Files;
import java.nio.file.Path;

import io.clusterstarter.Cluster;
import io.clusterstarter.CurrentWorker;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Makes workers fail or hang while they boot, for supervision tests:
 * {@code cluster-test.fail-in-slot} throws in that slot, {@code cluster-test.hang-in-slot} sleeps
 * for ever in that slot, {@code cluster-test.fail-if-file} throws in any worker while that
 * file exists, and {@code cluster-test.hold-while-file} holds every worker's boot until that
 * file is gone.
 */
@Component
class BootSabotage {

	BootSabotage(Cluster cluster, @Value("${cluster-test.fail-in-slot:-1}") int failInSlot,
			@Value("${cluster-test.hang-in-slot:-1}") int hangInSlot,
			@Value("${cluster-test.fail-if-file:}") String failIfFile,
			@Value("${cluster-test.hold-while-file:}") String holdWhileFile) throws InterruptedException {
		int slot = cluster.worker().map(CurrentWorker::slot).orElse(-2);
		if (!failIfFile.isEmpty() && Files.exists(Path.of(failIfFile))) {
			throw new IllegalStateException("Failing at boot on purpose: " + failIfFile + " exists");
		}
		while (!holdWhileFile.isEmpty() && Files.exists(Path.of(holdWhileFile))) {
			Thread.sleep(50);
		}
		if (slot == failInSlot) {
			throw new IllegalStateException("Failing at boot on purpose in slot " + slot);
		}
		if (slot == hangInSlot) {
			Thread.sleep(Long.MAX_VALUE);
		}
	}

}
