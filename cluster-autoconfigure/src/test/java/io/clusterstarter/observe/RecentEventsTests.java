package io.clusterstarter.observe;

import java.lang.reflect.Proxy;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.Worker;
import io.clusterstarter.event.DeployEvent;
import io.clusterstarter.event.RollingRestartEvent;
import io.clusterstarter.event.WorkerDisconnectEvent;
import io.clusterstarter.event.WorkerExitEvent;
import io.clusterstarter.event.WorkerForkEvent;
import org.junit.jupiter.api.Test;

import org.springframework.context.ApplicationEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Tests for {@link RecentEvents}.
 */
class RecentEventsTests {

	private final RecentEvents events = new RecentEvents();

	@Test
	void keepsTheLastEventsWithTheirTimeAndWhetherTheyNeedAnEye() {
		this.events.onApplicationEvent(new WorkerForkEvent(worker(3, 0)));
		this.events.onApplicationEvent(new WorkerDisconnectEvent(worker(3, 0)));
		this.events.onApplicationEvent(new WorkerExitEvent(worker(3, 0), 137, "SIGKILL", false));
		this.events.onApplicationEvent(new WorkerDisconnectEvent(worker(4, 1)));
		this.events.onApplicationEvent(new WorkerExitEvent(worker(4, 1), 0, null, true));
		this.events.onApplicationEvent(new RollingRestartEvent(this, RollingRestartEvent.Phase.ABORTED, 0, "worker 5 failed"));
		this.events.onApplicationEvent(new DeployEvent(this, DeployEvent.Phase.ROLLED_BACK,
				new ClusterSnapshot.Release("1.1", "app.jar", null, null), null, "worker 6 failed"));
		// Not a lifecycle event: left out
		this.events.onApplicationEvent(new ApplicationEvent(this) {
		});
		assertThat(this.events.last(10)).extracting(RecentEvents.Entry::text, RecentEvents.Entry::alert)
			.containsExactly(tuple("worker 3 forked in slot 0 (pid 1003)", false),
					tuple("worker 3 disconnected without being asked to: it is exiting", false),
					tuple("worker 3 exited with code 137 (SIGKILL)", true),
					tuple("worker 4 disconnecting (graceful shutdown)", false),
					tuple("worker 4 exited with code 0", false),
					tuple("rolling restart aborted: worker 5 failed", true),
					tuple("deploy of 1.1 rolled back: worker 6 failed", true));
		assertThat(this.events.last(2)).extracting(RecentEvents.Entry::text)
			.containsExactly("rolling restart aborted: worker 5 failed", "deploy of 1.1 rolled back: worker 6 failed");
		assertThat(this.events.last(1).get(0).time()).isNotNull();
	}

	@Test
	void isBounded() {
		for (int i = 0; i < RecentEvents.KEPT + 10; i++) {
			this.events.onApplicationEvent(new WorkerForkEvent(worker(i, 0)));
		}
		assertThat(this.events.last(Integer.MAX_VALUE)).hasSize(RecentEvents.KEPT)
			.first()
			.extracting(RecentEvents.Entry::text)
			.isEqualTo("worker 10 forked in slot 0 (pid 1010)");
	}

	private static Worker worker(int id, int slot) {
		return (Worker) Proxy.newProxyInstance(Worker.class.getClassLoader(), new Class<?>[] { Worker.class },
				(proxy, method, args) -> switch (method.getName()) {
					case "id" -> id;
					case "slot" -> slot;
					case "pid" -> 1000L + id;
					// Even workers were asked to leave
					case "exitedAfterDisconnect" -> id % 2 == 0;
					case "toString" -> "worker " + id;
					case "hashCode" -> id;
					case "equals" -> proxy == args[0];
					default -> throw new UnsupportedOperationException(method.getName());
				});
	}

}
