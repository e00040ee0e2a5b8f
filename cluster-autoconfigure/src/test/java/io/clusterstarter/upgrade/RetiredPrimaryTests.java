package io.clusterstarter.upgrade;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.clusterstarter.autoconfigure.ClusterProperties.Upgrade.OldPrimary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RetiredPrimary} and {@link ServiceKeeper}: when an old primary waits for the
 * new one, and how it follows the primaries the cluster is handed on to, with real processes.
 */
@ExtendWith(OwnTemporaryDirectory.class)
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

	@Test
	void followsThePrimariesTheClusterIsHandedOnToAndExitsWithTheLastOnesStatus() throws Exception {
		// The new primary starts a newer one (not this process's child), hands the cluster on and exits
		Process successor = startsANewerPrimary();
		ProcessHandle newest = successor.children().findFirst().orElseThrow();
		long handedTo = newest.pid();
		try {
			RetiredPrimary retired = RetiredPrimary.of(successor, OldPrimary.WAIT).orElseThrow();
			CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
				try {
					return retired.await();
				}
				catch (InterruptedException ex) {
					throw new IllegalStateException(ex);
				}
			});
			assertThat(handOn(successor, newest)).isZero();
			// Signals now go to the newest primary, whose status is its note
			await().atMost(Duration.ofSeconds(30)).until(() -> retired.current().pid() == handedTo);
			ServiceKeeper.write(handedTo, ".status", "3");
			retired.forward("SIGTERM");
			assertThat(exit.get(30, TimeUnit.SECONDS)).isEqualTo(3);
			assertThat(ServiceKeeper.status(handedTo)).as("the note, once read, is gone").isEmpty();
		}
		finally {
			newest.destroyForcibly();
			successor.destroyForcibly();
		}
	}

	@Test
	void aPrimaryThatLeftNoStatusEndsTheWaitWithAFailure() throws Exception {
		Process successor = startsANewerPrimary();
		ProcessHandle newest = successor.children().findFirst().orElseThrow();
		try {
			RetiredPrimary retired = RetiredPrimary.of(successor, OldPrimary.WAIT).orElseThrow();
			handOn(successor, newest);
			newest.destroyForcibly();
			// Killed: no status, so not the success a service manager would take it for
			assertThat(retired.await()).isEqualTo(RetiredPrimary.UNKNOWN_STATUS);
		}
		finally {
			newest.destroyForcibly();
		}
	}

	@Test
	void onlyAKeeperThatRunsIsFollowedAndOnlyWhenNoEarlierPrimaryWaitsInBetween() throws Exception {
		long self = ProcessHandle.current().pid();
		long parent = ProcessHandle.current().parent().orElseThrow().pid();
		Map<String, String> keptByParent = Map.of(ServiceKeeper.VARIABLE, String.valueOf(parent));
		assertThat(ServiceKeeper.following(keptByParent, parent)).as("the keeper is the predecessor").isPresent();
		assertThat(ServiceKeeper.following(keptByParent, Long.MAX_VALUE)).as("the predecessor has exited").isPresent();
		Process earlier = new ProcessBuilder("sleep", "30").start();
		try {
			assertThat(ServiceKeeper.following(keptByParent, earlier.pid())).as("an earlier primary waits in between")
				.isEmpty();
		}
		finally {
			earlier.destroyForcibly().waitFor();
		}
		assertThat(ServiceKeeper.following(Map.of(ServiceKeeper.VARIABLE, String.valueOf(self)), parent))
			.as("this process is no keeper of its own").isEmpty();
		assertThat(ServiceKeeper.following(Map.of(ServiceKeeper.VARIABLE, ""), parent)).isEmpty();
		assertThat(ServiceKeeper.forSuccessor(keptByParent, false)).hasValue(parent);
		assertThat(ServiceKeeper.forSuccessor(Map.of(), true)).hasValue(self);
		assertThat(ServiceKeeper.forSuccessor(Map.of(), false)).isEmpty();
	}

	/**
	 * A stand-in for a new primary: it has started a newer one (its only child) and exits with 0
	 * once its standard input closes.
	 */
	private static Process startsANewerPrimary() throws Exception {
		Process successor = new ProcessBuilder("sh", "-c", "sleep 120 & echo $!; read line; exit 0").start();
		new BufferedReader(new InputStreamReader(successor.getInputStream())).readLine();
		return successor;
	}

	/**
	 * The stand-in hands the cluster on to the newer primary, as a retired primary does: the
	 * note, then its exit.
	 * @return its exit status
	 */
	private static int handOn(Process successor, ProcessHandle newest) throws Exception {
		ServiceKeeper.write(successor.pid(), ".next", String.valueOf(newest.pid()));
		successor.getOutputStream().close();
		return successor.waitFor();
	}

}
