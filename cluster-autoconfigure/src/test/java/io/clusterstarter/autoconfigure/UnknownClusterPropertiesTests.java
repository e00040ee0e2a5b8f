package io.clusterstarter.autoconfigure;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link UnknownClusterProperties}, against the starter's own generated metadata.
 */
class UnknownClusterPropertiesTests {

	private final Map<ConfigurationPropertyName, Boolean> known = UnknownClusterProperties
		.knownProperties(getClass().getClassLoader());

	@Test
	void metadataListsTheStartersProperties() {
		assertThat(this.known).containsEntry(ConfigurationPropertyName.of("cluster.workers"), false)
			.containsEntry(ConfigurationPropertyName.of("cluster.env"), true)
			.containsEntry(ConfigurationPropertyName.of("cluster.exec-argv"), true)
			.containsEntry(ConfigurationPropertyName.of("cluster.restart.policy"), false)
			.containsKey(ConfigurationPropertyName.of("cluster.startup-concurrency"));
	}

	@Test
	void typoIsReportedWithTheClosestPropertyAndWhereItWasSet() {
		List<String> warnings = find(Map.of("cluster.worker", "2"));
		assertThat(warnings).singleElement()
			.asString()
			.startsWith("Unknown property 'cluster.worker' (set in ")
			.endsWith(" is ignored; did you mean 'cluster.workers'?");
	}

	@Test
	void nestedTypoIsReported() {
		assertThat(find(Map.of("cluster.restart.max-failure", "3"))).singleElement()
			.asString()
			.contains("did you mean 'cluster.restart.max-failures'?");
	}

	@Test
	void knownPropertiesMapKeysAndListIndexesAreNotReported() {
		assertThat(find(Map.of("cluster.workers", "2", "cluster.env.FEATURE", "on", "cluster.env[LOWER_case]", "x",
				"cluster.exec-argv[0]", "-Xmx64m", "cluster.restart.policy", "never", "cluster-test.anything", "1",
				"clusterstarter.internal", "1")))
			.isEmpty();
	}

	@Test
	void unrelatedKeyUnderClusterGetsNoSuggestionButIsReported() {
		assertThat(find(Map.of("cluster.zookeeper.connect-string", "zk:2181"))).singleElement()
			.asString()
			.contains("Unknown property 'cluster.zookeeper.connect-string'")
			.endsWith("see the starter's docs/configuration-properties.md for the cluster.* properties");
	}

	@Test
	void environmentVariablesAreReportedOnlyWhenCloseToAKnownProperty() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		environment.getPropertySources()
			.addLast(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					Map.of("CLUSTER_WORKER", "2", "CLUSTER_NAME", "prod-eu", "CLUSTER_DOMAIN", "cluster.local")));
		assertThat(UnknownClusterProperties.find(environment, this.known)).singleElement()
			.asString()
			.contains("'cluster.worker'")
			.contains("did you mean 'cluster.workers'?");
	}

	@Test
	void distanceCountsEdits() {
		assertThat(UnknownClusterProperties.distance("cluster.worker", "cluster.workers")).isEqualTo(1);
		assertThat(UnknownClusterProperties.distance("kitten", "sitting")).isEqualTo(3);
		assertThat(UnknownClusterProperties.distance("", "abc")).isEqualTo(3);
	}

	private List<String> find(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		return UnknownClusterProperties.find(environment, this.known);
	}

}
