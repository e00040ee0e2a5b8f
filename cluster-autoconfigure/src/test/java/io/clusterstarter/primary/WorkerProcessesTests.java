package io.clusterstarter.primary;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for what {@link WorkerProcesses} and {@link WorkerExits} derive from a worker's
 * settings and exit code.
 */
class WorkerProcessesTests {

	@Test
	void workerLogFileIsNamedAfterTheWorkerIdAndAbsolute() {
		assertThat(WorkerProcesses.workerLogFile("logs/app.log", 7))
			.isEqualTo(Path.of("logs/app-worker-7.log").toAbsolutePath().toString());
		assertThat(WorkerProcesses.workerLogFile("/var/log/app", 3)).isEqualTo("/var/log/app-worker-3");
	}

	@Test
	void signalIsInferredFromTheExitCode() {
		assertThat(WorkerExits.signalName(137)).isEqualTo("SIGKILL");
		assertThat(WorkerExits.signalName(143)).isEqualTo("SIGTERM");
		assertThat(WorkerExits.signalName(1)).isNull();
		assertThat(WorkerExits.signalName(0)).isNull();
	}

}
