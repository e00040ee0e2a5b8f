package io.clusterstarter.port;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ListenGate}: what waits for a worker to be ready, and in which order.
 */
@ExtendWith(OutputCaptureExtension.class)
class ListenGateTests {

	private final List<String> ran = new ArrayList<>();

	@Test
	void openGateRunsAtOnce() throws IOException {
		ListenGate gate = new ListenGate();
		gate.runWhenOpen(() -> this.ran.add("bind"));
		assertThat(this.ran).containsExactly("bind");
	}

	@Test
	void closedGateHoldsEverythingBackUntilItOpensThenRunsInOrder() throws IOException {
		ListenGate gate = new ListenGate();
		gate.close();
		gate.runWhenOpen(() -> this.ran.add("bind"));
		gate.runWhenOpen(() -> this.ran.add("report listening"));
		assertThat(this.ran).isEmpty();
		gate.openNow();
		assertThat(this.ran).containsExactly("bind", "report listening");
		// Once open it stays open: a worker is not closed again by a second start
		gate.close();
		gate.runWhenOpen(() -> this.ran.add("late"));
		assertThat(this.ran).endsWith("late");
	}

	@Test
	void leavingStopsEveryAcceptorInOrderAndOneRegisteredLateStopsAtOnce() throws IOException {
		ListenGate gate = new ListenGate();
		gate.runWhenLeaving(() -> this.ran.add("tomcat"));
		gate.runWhenLeaving(() -> {
			throw new IllegalStateException("already closed");
		});
		gate.runWhenLeaving(() -> this.ran.add("netty"));
		assertThat(this.ran).isEmpty();
		gate.leaveNow();
		assertThat(this.ran).containsExactly("tomcat", "netty");
		gate.runWhenLeaving(() -> this.ran.add("late"));
		assertThat(this.ran).endsWith("late");
	}

	@Test
	void aListenerThatCannotBindIsLoggedAndTheOthersStillRun(CapturedOutput output) throws IOException {
		ListenGate gate = new ListenGate();
		gate.close();
		gate.runWhenOpen(() -> {
			throw new IOException("Address already in use");
		});
		gate.runWhenOpen(() -> this.ran.add("management"));
		gate.openNow();
		assertThat(this.ran).containsExactly("management");
		assertThat(output).contains("Could not start listening: Address already in use");
	}

}
