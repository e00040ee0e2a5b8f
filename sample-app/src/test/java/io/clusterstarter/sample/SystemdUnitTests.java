package io.clusterstarter.sample;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Checks of the documented systemd unit as far as they go without systemd running: its
 * directives, and {@code systemd-analyze verify} where it is installed. Its commands run against a
 * real cluster in {@code SampleControlIT}.
 */
class SystemdUnitTests {

	@Test
	void unitLeavesThePrimaryInChargeAndUsesTheCommandLineToReloadAndStop() throws Exception {
		SampleSystemdUnit unit = SampleSystemdUnit.load();
		assertThat(unit.get("Type")).isEqualTo("exec");
		assertThat(unit.get("KillMode")).isEqualTo("mixed");
		assertThat(unit.get("ExecStart")).isEqualTo("/usr/bin/java -jar /srv/app/current.jar");
		assertThat(unit.get("ExecReload")).isEqualTo("/usr/bin/java -Djarmode=cluster -jar /srv/app/current.jar reload");
		assertThat(unit.get("ExecStop")).isEqualTo("/usr/bin/java -Djarmode=cluster -jar /srv/app/current.jar stop");
		assertThat(unit.get("Environment")).isEqualTo("CLUSTER_CONTROL_DIRECTORY=/run/" + unit.get("RuntimeDirectory"));
		// The primary refuses a control directory that others may enter
		assertThat(unit.get("RuntimeDirectoryMode")).isEqualTo("0700");
	}

	@Test
	void systemdFindsNothingWrongWithTheUnit() throws Exception {
		Path analyze = Path.of("/usr/bin/systemd-analyze");
		assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed");
		Process process = new ProcessBuilder(analyze.toString(), "verify", SampleSystemdUnit.FILE.toAbsolutePath().toString())
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		// It warns about a directive it cannot parse but still exits 0: its output must be empty too
		assertThat(output).isEmpty();
		assertThat(process.exitValue()).isZero();
	}

}
