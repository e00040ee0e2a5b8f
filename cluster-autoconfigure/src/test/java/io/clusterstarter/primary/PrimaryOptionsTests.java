package io.clusterstarter.primary;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PrimaryOptions}: the processor and memory shares of the workers.
 */
class PrimaryOptionsTests {

	@Test
	void workersShareHalfTheMemoryAndNoneGetsMoreThanTheJvmDefault() {
		PrimaryOptions options = options(true);
		assertThat(options.maxRamPercentagePerWorker(1)).isEqualTo(25.0);
		assertThat(options.maxRamPercentagePerWorker(2)).isEqualTo(25.0);
		assertThat(options.maxRamPercentagePerWorker(3)).isEqualTo(16.6);
		assertThat(options.maxRamPercentagePerWorker(4)).isEqualTo(12.5);
		assertThat(options.maxRamPercentagePerWorker(8)).isEqualTo(6.2);
		assertThat(options.maxRamPercentagePerWorker(1000)).isEqualTo(0.1);
		assertThat(options.maxRamPercentagePerWorker(0)).isEqualTo(25.0);
	}

	@Test
	void memoryIsNotSharedWhenTurnedOff() {
		assertThat(options(false).maxRamPercentagePerWorker(4)).isZero();
		assertThat(options(false).sizing(4, null).maxRamPercentage()).isZero();
	}

	@Test
	void sizingCarriesBothShares() {
		WorkerCommand.Sizing sizing = options(true).sizing(4, "1");
		assertThat(sizing.processors()).isEqualTo(2);
		assertThat(sizing.cpus()).isEqualTo("1");
		assertThat(sizing.maxRamPercentage()).isEqualTo(12.5);
		assertThat(sizing.background()).isFalse();
		assertThat(sizing.inBackground().background()).isTrue();
	}

	private static PrimaryOptions options(boolean shareMemory) {
		return new PrimaryOptions(4, 8080, null, null, 8, null, Instant.now(), 2, shareMemory);
	}

}
