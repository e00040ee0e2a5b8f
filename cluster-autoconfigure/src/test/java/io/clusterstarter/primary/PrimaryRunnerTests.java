package io.clusterstarter.primary;

import io.clusterstarter.autoconfigure.ClusterConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for the platform rules of {@link PrimaryRunner}.
 */
@ExtendWith(OutputCaptureExtension.class)
class PrimaryRunnerTests {

	@Test
	void windowsIsRefusedWithAnAction() {
		assertThatExceptionOfType(ClusterConfigurationException.class)
			.isThrownBy(() -> PrimaryRunner.checkPlatform("Windows 11"))
			.satisfies((ex) -> {
				assertThat(ex.getDescription()).contains("SO_REUSEPORT, which Windows does not support");
				assertThat(ex.getAction()).contains("cluster.enabled=false");
			});
	}

	@Test
	void macOsRunsWithAWarningAboutBalancing(CapturedOutput output) {
		assertThatNoException().isThrownBy(() -> PrimaryRunner.checkPlatform("Mac OS X"));
		assertThat(output).contains("macOS accepts SO_REUSEPORT but does not balance connections");
	}

	@Test
	void linuxRunsQuietly(CapturedOutput output) {
		assertThatNoException().isThrownBy(() -> PrimaryRunner.checkPlatform("Linux"));
		assertThat(output).doesNotContain("SO_REUSEPORT");
	}

}
