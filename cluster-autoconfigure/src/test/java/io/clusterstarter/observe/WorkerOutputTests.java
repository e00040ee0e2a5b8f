package io.clusterstarter.observe;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerOutput}.
 */
class WorkerOutputTests {

	private final WorkerOutput output = new WorkerOutput(3);

	@Test
	void keepsTheLastLinesOfEachWorkerInTheOrderTheyCame() {
		this.output.add(1, false, "a1");
		this.output.add(2, true, "b1");
		this.output.add(1, false, "a2");
		this.output.add(1, false, "a3");
		this.output.add(1, false, "a4");
		assertThat(this.output.recent(1, 10)).extracting(WorkerOutput.Line::text).containsExactly("a2", "a3", "a4");
		assertThat(this.output.recent(null, 10)).extracting(WorkerOutput.Line::text)
			.containsExactly("b1", "a2", "a3", "a4");
		// The last lines of each worker, not the last lines overall
		assertThat(this.output.recent(null, 2)).extracting(WorkerOutput.Line::text).containsExactly("b1", "a3", "a4");
		assertThat(this.output.recent(2, 10)).singleElement().satisfies((line) -> assertThat(line.error()).isTrue());
	}

	@Test
	void keepsTheLinesOfTheLastWorkersThatExited() {
		for (int id = 1; id <= WorkerOutput.EXITED_KEPT + 1; id++) {
			this.output.add(id, false, "last words of " + id);
			this.output.exited(id);
		}
		assertThat(this.output.knows(1)).isFalse();
		assertThat(this.output.knows(2)).isTrue();
		assertThat(this.output.recent(WorkerOutput.EXITED_KEPT + 1, 5)).extracting(WorkerOutput.Line::text)
			.containsExactly("last words of " + (WorkerOutput.EXITED_KEPT + 1));
	}

	@Test
	void followersGetNewLinesOfTheirWorkerAndCountWhatTheyLost() throws InterruptedException {
		try (WorkerOutput.Follower one = this.output.follow(1); WorkerOutput.Follower all = this.output.follow(null)) {
			this.output.add(2, false, "other");
			this.output.add(1, false, "mine");
			assertThat(one.next(1000).text()).isEqualTo("mine");
			assertThat(one.next(10)).isNull();
			assertThat(all.next(1000).text()).isEqualTo("other");
			assertThat(all.next(1000).text()).isEqualTo("mine");
			for (int i = 0; i < WorkerOutput.FOLLOW_QUEUE + 5; i++) {
				this.output.add(1, false, "flood " + i);
			}
			assertThat(one.takeDropped()).isEqualTo(5);
			assertThat(one.takeDropped()).isZero();
		}
		this.output.add(1, false, "after close");
	}

}
