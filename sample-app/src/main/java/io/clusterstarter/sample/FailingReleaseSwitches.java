package io.clusterstarter.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/**
 * Ways for a release of the sample to be bad, to show (and test) a deploy that is rolled back:
 * {@code sample.fail-at-startup=true} makes the application fail as it starts, and
 * {@code sample.refuse-readiness=true} adds a health indicator that is always OUT_OF_SERVICE, so
 * that the release starts but its readiness group never passes. A bad release sets one in its own
 * {@code application.properties}. {@code sample.fail-at-startup-if-present=FILE} makes a worker
 * fail as it starts while the file exists, so that a rolling restart of a good release can be
 * made to abort. {@code sample.hold-memory=600MB} makes a worker fill that much of its heap once
 * it has started and keep it, as a release with a leak does, so that the kernel's OOM killer
 * can be shown ending workers that do not fit their container.
 *
 * @author cluster-spring-boot-starter
 */
@Configuration(proxyBeanMethods = false)
class FailingReleaseSwitches {

	private static final int CHUNK = 1 << 20;

	/** What {@code sample.hold-memory} holds on to. */
	private static final List<byte[]> HELD = new ArrayList<>();

	@Bean
	@ConditionalOnBooleanProperty("sample.fail-at-startup")
	ApplicationRunner failAtStartup() {
		return (args) -> {
			throw new IllegalStateException("This release fails at start-up (sample.fail-at-startup=true)");
		};
	}

	@Bean
	@ConditionalOnProperty("sample.fail-at-startup-if-present")
	ApplicationRunner failAtStartupIfPresent(@Value("${sample.fail-at-startup-if-present}") Path marker) {
		return (args) -> {
			if (Files.exists(marker)) {
				throw new IllegalStateException("This worker fails at start-up: " + marker + " exists");
			}
		};
	}

	@Bean
	@ConditionalOnProperty("sample.hold-memory")
	ApplicationRunner holdMemory(@Value("${sample.hold-memory}") DataSize size) {
		return (args) -> {
			for (long held = 0; held < size.toBytes(); held += CHUNK) {
				byte[] chunk = new byte[CHUNK];
				// Touched, so that the pages are really the worker's
				for (int i = 0; i < CHUNK; i += 4096) {
					chunk[i] = 1;
				}
				HELD.add(chunk);
			}
		};
	}

	/**
	 * A readiness check that never passes, as one on a database that is down would: the release
	 * adds it to the readiness group with
	 * {@code management.endpoint.health.group.readiness.include=readinessState,sampleReadiness}.
	 */
	@Bean
	@ConditionalOnBooleanProperty("sample.refuse-readiness")
	HealthIndicator sampleReadiness() {
		return () -> Health.outOfService().withDetail("reason", "sample.refuse-readiness=true").build();
	}

}
