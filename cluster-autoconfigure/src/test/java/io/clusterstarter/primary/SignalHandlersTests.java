package io.clusterstarter.primary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SignalHandlers}: which inherited ignored signals the primary warns about.
 */
class SignalHandlersTests {

	@TempDir
	Path directory;

	@Test
	void nohupAndABackgroundJobIgnoreHangupAndInterrupt() throws IOException {
		assertThat(SignalHandlers.ignored(status("0000000000000003"))).containsExactly("HUP", "INT");
		assertThat(SignalHandlers.ignored(status("0000000000004000"))).containsExactly("TERM");
		// SIGPIPE and the like are none of the primary's business
		assertThat(SignalHandlers.ignored(status("0000000000001000"))).isEmpty();
		assertThat(SignalHandlers.ignored(this.directory.resolve("missing"))).isEmpty();
	}

	@Test
	void eachWarningNamesTheSignalAndWhatToUseInstead() {
		assertThat(SignalHandlers.ignoredWarning("HUP", "java -Djarmode=cluster -jar /srv/app.jar"))
			.isEqualTo("SIGHUP is ignored by this process, as the process that started it ignored it (nohup does), "
					+ "and the JVM keeps it ignored: kill -HUP does not reload the cluster. Reload with "
					+ "'java -Djarmode=cluster -jar /srv/app.jar reload' instead.");
		assertThat(SignalHandlers.ignoredWarning("INT", "java -Djarmode=cluster -jar app.jar"))
			.contains("Ctrl-C and kill -INT do not stop the cluster", "'java -Djarmode=cluster -jar app.jar stop'");
	}

	private Path status(String mask) throws IOException {
		return Files.writeString(this.directory.resolve("status"),
				"Name:\tjava\nSigBlk:\t0000000000000000\nSigIgn:\t" + mask + "\nSigCgt:\t0000000000000000\n");
	}

}
