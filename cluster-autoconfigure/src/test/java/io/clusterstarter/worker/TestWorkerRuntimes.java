package io.clusterstarter.worker;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Creates unconnected {@link WorkerRuntime worker runtimes} for tests in other packages.
 */
public final class TestWorkerRuntimes {

	private TestWorkerRuntimes() {
	}

	public static WorkerRuntime unconnected(int id, int slot) {
		return new WorkerRuntime(id, slot, -1, Path.of("/nonexistent/primary.sock"), "token", 1024 * 1024,
				Duration.ofSeconds(5));
	}

	/** Act as the primary does when it gives or takes back the lead. */
	public static void lead(WorkerRuntime runtime, boolean granted) {
		if (granted) {
			runtime.lead().grant();
		}
		else {
			runtime.lead().revoke();
		}
	}

}
