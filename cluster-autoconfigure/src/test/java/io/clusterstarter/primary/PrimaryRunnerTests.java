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
	void controlNameIsTheApplicationsNameAndPortInCharactersASocketNameTakes() {
		assertThat(PrimaryRunner.controlName("shop", 8080)).isEqualTo("shop-8080");
		assertThat(PrimaryRunner.controlName("My Shop/EU", 8080)).isEqualTo("My-Shop-EU-8080");
		assertThat(PrimaryRunner.controlName(null, 8080)).isEqualTo("application-8080");
		assertThat(PrimaryRunner.controlName("..hidden", null)).isEqualTo("hidden");
		assertThat(PrimaryRunner.controlName("x".repeat(80), 1)).hasSize(52);
	}

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
