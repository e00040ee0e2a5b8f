package io.clusterstarter.launch;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TakeoverPolicy}.
 */
class TakeoverPolicyTests {

	@Test
	void applicationRunByATestFrameworkIsNotClustered() {
		assertThat(TakeoverPolicy.isUnderTestFramework()).isTrue();
		assertThat(TakeoverPolicy.reasonToRunPlainly()).isEqualTo("a test framework runs the application");
	}

	@Test
	void aotProcessingIsNotClustered() {
		System.setProperty("spring.aot.processing", "true");
		try {
			assertThat(TakeoverPolicy.reasonToRunPlainly()).isEqualTo("AOT processing is running");
		}
		finally {
			System.clearProperty("spring.aot.processing");
		}
	}

	@Test
	void cdsTrainingRunIsNotClustered() {
		System.setProperty("spring.context.exit", "onRefresh");
		try {
			assertThat(TakeoverPolicy.reasonToRunPlainly()).isEqualTo("this is a CDS or AOT cache training run");
		}
		finally {
			System.clearProperty("spring.context.exit");
		}
	}

	@Test
	void devToolsRestartIsNotClustered() throws InterruptedException {
		String[] reason = new String[1];
		Thread restartedMain = new Thread(() -> reason[0] = TakeoverPolicy.reasonToRunPlainly(), "restartedMain");
		restartedMain.start();
		restartedMain.join();
		assertThat(reason[0]).startsWith("DevTools' restarter runs the application");
	}

}
