package io.clusterstarter.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An upgrade whose old primary exits ({@code cluster.upgrade.old-primary=exit}), as nginx's old
 * master does: the first process ends with status 0 once its worker has left, the new primary
 * serves on alone, takes the port's lock, and stops on the command line's {@code stop} with
 * nothing left behind.
 */
class SampleUpgradeExitIT {

	private Path temp;

	private long newPrimary;

	@BeforeEach
	void createDirectory() throws IOException {
		this.temp = Files.createTempDirectory("sample-upgrade-exit");
	}

	@AfterEach
	void deleteDirectory() throws IOException {
		// The new primary is no child of this JVM's: ended here if the test did not
		if (this.newPrimary > 0) {
			ProcessHandle.of(this.newPrimary).ifPresent((primary) -> {
				primary.descendants().forEach(ProcessHandle::destroyForcibly);
				primary.destroyForcibly();
			});
		}
		FileSystemUtils.deleteRecursively(this.temp);
	}

	@Test
	void oldPrimaryExitsAndTheNewOneServesAloneHoldsThePortsLockAndStops() throws Exception {
		Path jar = Path.of(System.getProperty("sample.jar", "target/sample-app.jar")).toAbsolutePath();
		SampleCluster cluster = SampleCluster.start(this.temp, jar, "cluster", "--cluster.workers=1",
				"--cluster.upgrade.old-primary=exit", "--cluster.image.enabled=false");
		try (cluster) {
			cluster.awaitListening(1);
			long firstPrimary = cluster.process().pid();
			// The same jar: the primary restarted without a refused connection
			SampleCommandLine.Result upgrade = cluster.command("upgrade");
			assertThat(upgrade.exit()).as(upgrade.toString()).isZero();
			JsonNode primary = cluster.cluster().get("primary");
			this.newPrimary = primary.get("pid").asLong();
			assertThat(this.newPrimary).isNotEqualTo(firstPrimary);
			assertThat(primary.get("runs").get("upgradedFrom").asLong()).isEqualTo(firstPrimary);

			assertThat(cluster.process().waitFor(90, TimeUnit.SECONDS)).isTrue();
			assertThat(cluster.process().exitValue()).as(cluster.log()).isZero();
			assertThat(cluster.log()).contains("Exiting: the new primary (pid " + this.newPrimary + ") runs the cluster");
			assertThat(cluster.versionAnswered()).isNotBlank();
			// The port's lock file names the primary that holds it
			Path lock = this.temp.resolve("tmp")
				.resolve("cluster-spring-boot-" + System.getProperty("user.name"))
				.resolve("port-" + cluster.port() + ".lock");
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(Files.readString(lock).strip()).isEqualTo(String.valueOf(this.newPrimary)));

			SampleCommandLine.Result stop = cluster.command("stop");
			assertThat(stop.exit()).as(stop.toString()).isZero();
			ProcessHandle handle = ProcessHandle.of(this.newPrimary).orElse(null);
			assertThat(handle == null || !handle.isAlive()).as("the new primary exited").isTrue();
		}
	}

}
