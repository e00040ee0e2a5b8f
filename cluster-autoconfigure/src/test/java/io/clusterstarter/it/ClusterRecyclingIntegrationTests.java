package io.clusterstarter.it;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.clusterstarter.it.ClusterProcess.Server;
import io.clusterstarter.it.apps.servlet.ServletTestApplication;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Recycling and parallel rolling restarts on a real cluster of two Tomcat workers: a worker
 * that holds too much heap is replaced, then both are replaced at once by a rolling restart,
 * then workers are recycled after their request limits while a client keeps sending requests.
 * The tests run in order on the same cluster.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterRecyclingIntegrationTests {

	private static final Pattern RECYCLED_BY_REQUESTS = Pattern
		.compile("Replacing worker \\d+ \\(pid \\d+\\) in slot \\d: recycling: it served \\d+ requests");

	private ClusterProcess cluster;

	private ClusterEvents events;

	@BeforeAll
	void startCluster() throws IOException {
		this.events = ClusterEvents.create();
		this.cluster = ClusterProcess.start("recycling", Server.TOMCAT, ServletTestApplication.class, List.of(),
				List.of("--cluster.workers=2", this.events.argument(),
						"--cluster.stats.interval=200ms", "--cluster.recycle.max-requests=300",
						"--cluster.recycle.max-requests-jitter=100", "--cluster.recycle.max-heap-after-gc=256MB",
						"--cluster.rolling-restart.parallelism=2",
						"--management.endpoints.web.exposure.include=cluster"),
				ClusterProcess.freePort());
		this.cluster.awaitListening(2, Duration.ofSeconds(120));
	}

	@AfterAll
	void stopCluster() throws Exception {
		try (ClusterEvents events = this.events) {
			ClusterProcess.stopCleanly(this.cluster);
		}
	}

	@Test
	@Order(1)
	void workerHoldingTooMuchHeapIsReplacedReplacementFirst() throws Exception {
		Map<Integer, Long> before = this.cluster.listeningWorkers();
		int leaking = before.keySet().iterator().next();
		this.cluster.getJsonFrom(before.get(leaking), "/retain?mb=300&id=" + leaking);
		await().atMost(Duration.ofSeconds(120))
			.untilAsserted(() -> assertThat(this.events.brief())
				.contains("exit " + leaking + " code=0 signal=none planned=true"));
		assertThat(this.cluster.log()).contains("Replacing worker " + leaking + " (pid ")
			.contains("recycling: its heap after GC, ")
			.contains("is over cluster.recycle.max-heap-after-gc (256 MB)");
		Map<Integer, Long> after = this.cluster.awaitListening(2, Duration.ofSeconds(30));
		assertThat(after).doesNotContainKey(leaking);
		int replacement = after.keySet().stream().filter((id) -> !before.containsKey(id)).findFirst().orElseThrow();
		assertThat(this.events.brief()).containsSubsequence("fork " + replacement, "listening " + replacement,
				"disconnect " + leaking, "exit " + leaking + " code=0 signal=none planned=true");
		// The other worker, under every limit, is left alone
		int other = otherThan(before, leaking);
		assertThat(after).containsEntry(other, before.get(other));
		assertThat(this.cluster.cluster().get("primary").get("counters").get("recycles").asInt()).isEqualTo(1);
	}

	@Test
	@Order(2)
	void rollingRestartWithParallelismTwoStartsBothReplacementsAtOnce() throws Exception {
		Map<Integer, Long> before = this.cluster.listeningWorkers();
		this.cluster.signal("HUP");
		await().atMost(Duration.ofSeconds(120))
			.untilAsserted(() -> assertThat(this.events.brief()).contains("roll completed replaced=2"));
		List<String> all = this.events.brief();
		List<String> roll = all.subList(all.indexOf("roll started replaced=0"), all.size());
		List<String> forks = roll.stream().filter((line) -> line.startsWith("fork ")).toList();
		assertThat(forks).hasSize(2);
		// Both replacements are forked before either old worker is told to leave, and an old
		// worker leaves only once a replacement serves
		int firstDisconnect = indexOfFirst(roll, "disconnect ");
		assertThat(roll.indexOf(forks.get(1))).isLessThan(firstDisconnect);
		assertThat(forks).anySatisfy((fork) -> assertThat(roll.indexOf("listening " + fork.substring("fork ".length())))
			.isNotNegative()
			.isLessThan(firstDisconnect));
		assertThat(this.cluster.listeningWorkers()).hasSize(2)
			.doesNotContainKeys(before.keySet().toArray(Integer[]::new));
		assertThat(this.cluster.log()).contains("Rolling restart of 2 workers started, 2 at a time");
	}

	@Test
	@Order(3)
	void workersAreRecycledOneAtATimeAfterTheirRequestLimitsWhileRequestsKeepSucceeding() throws Exception {
		int eventsBefore = this.events.brief().size();
		LoadClient client = LoadClient.start(this.cluster.port());
		try (client) {
			await().atMost(Duration.ofSeconds(180))
				.until(() -> RECYCLED_BY_REQUESTS.matcher(this.cluster.log()).results().count() >= 3);
		}
		client.assertNoneLost();
		List<String> all = this.events.brief();
		List<String> during = all.subList(eventsBefore, all.size());
		// Never two at once, never fewer than two serving: replay the events
		Set<String> live = new HashSet<>();
		Set<String> serving = new HashSet<>();
		int peakLive = 0;
		int leastServing = Integer.MAX_VALUE;
		for (int i = 0; i < all.size(); i++) {
			String[] parts = all.get(i).split(" ");
			if (parts.length < 2) {
				continue;
			}
			switch (parts[0]) {
				case "fork" -> live.add(parts[1]);
				case "listening" -> serving.add(parts[1]);
				case "disconnect" -> serving.remove(parts[1]);
				case "exit" -> {
					live.remove(parts[1]);
					serving.remove(parts[1]);
				}
				default -> {
				}
			}
			if (i >= eventsBefore) {
				peakLive = Math.max(peakLive, live.size());
				leastServing = Math.min(leastServing, serving.size());
			}
		}
		assertThat(peakLive).as("workers alive at once while recycling").isEqualTo(3);
		assertThat(leastServing).as("workers serving at once while recycling").isEqualTo(2);
		long plannedExits = during.stream()
			.filter((line) -> line.startsWith("exit ") && line.endsWith(" code=0 signal=none planned=true"))
			.count();
		assertThat(plannedExits).isGreaterThanOrEqualTo(2);
		assertThat(during).noneMatch((line) -> line.startsWith("exit ") && !line.endsWith("planned=true"));
		assertThat(this.cluster.cluster().get("primary").get("counters").get("recycles").asInt())
			.isGreaterThanOrEqualTo(4);
		assertThat(client.succeeded()).isGreaterThan(600);
	}

	private static int otherThan(Map<Integer, Long> workers, int id) {
		return workers.keySet().stream().filter((other) -> other != id).findFirst().orElseThrow();
	}

	private static int indexOfFirst(List<String> lines, String prefix) {
		for (int i = 0; i < lines.size(); i++) {
			if (lines.get(i).startsWith(prefix)) {
				return i;
			}
		}
		return Integer.MAX_VALUE;
	}



}
