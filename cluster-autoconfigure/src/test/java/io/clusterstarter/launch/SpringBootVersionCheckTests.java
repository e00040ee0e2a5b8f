package io.clusterstarter.launch;

import io.clusterstarter.autoconfigure.ClusterConfigurationException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootVersion;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for {@link SpringBootVersionCheck}.
 */
class SpringBootVersionCheckTests {

	private final MockEnvironment environment = new MockEnvironment();

	@Test
	void everyReleaseOfTheSupportedRangePasses() {
		for (String version : new String[] { "4.0.0", "4.0.3", "4.0.10", "4.1.0-M1", "4.1.2", "4.1.99" }) {
			assertThatNoException().as(version).isThrownBy(() -> SpringBootVersionCheck.check(version, this.environment));
		}
	}

	@Test
	void theReleaseThisBuildRunsOnPasses() {
		assertThatNoException()
			.isThrownBy(() -> SpringBootVersionCheck.check(SpringBootVersion.getVersion(), this.environment));
	}

	@Test
	void anOlderSpringBootIsRefusedWithBothVersionsAndAnUpgradeToDo() {
		assertThatThrownBy(() -> SpringBootVersionCheck.check("3.5.7", this.environment))
			.isInstanceOfSatisfying(ClusterConfigurationException.class, (ex) -> {
				assertThat(ex.getDescription()).startsWith("This application runs on Spring Boot 3.5.7, but "
						+ "cluster-spring-boot-starter ")
					.endsWith(" supports Spring Boot 4.0.x and 4.1.x only (from 4.0.0, before 4.2.0).");
				assertThat(ex.getAction())
					.isEqualTo("Upgrade the application to Spring Boot 4.0 or 4.1, or remove cluster-spring-boot-starter.");
			});
	}

	@Test
	void aNewerSpringBootIsRefusedUnlessTheCheckIsTurnedOff() {
		assertThatThrownBy(() -> SpringBootVersionCheck.check("4.2.0-M1", this.environment))
			.isInstanceOfSatisfying(ClusterConfigurationException.class,
					(ex) -> assertThat(ex.getAction()).isEqualTo("Use a cluster-spring-boot-starter release that "
							+ "supports Spring Boot 4.2.0-M1, or set 'cluster.compatibility-verifier.enabled=false' "
							+ "to run on it untested."));
		this.environment.setProperty("cluster.compatibility-verifier.enabled", "false");
		assertThatNoException().isThrownBy(() -> SpringBootVersionCheck.check("4.2.0", this.environment));
	}

	@Test
	void anUnknownReleasePasses() {
		assertThatNoException().isThrownBy(() -> SpringBootVersionCheck.check(null, this.environment));
	}

}
