package io.clusterstarter.autoconfigure;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every property of the starter is documented in the generated metadata, so IDEs complete and
 * explain it.
 */
class ConfigurationMetadataTests {

	@Test
	void everyPropertyHasADescription() throws Exception {
		JsonNode metadata = metadata();
		List<String> names = new ArrayList<>();
		for (JsonNode property : metadata.get("properties")) {
			String name = property.get("name").asString();
			assertThat(property.get("sourceType").asString()).startsWith("io.clusterstarter.");
			assertThat(property.path("description").asString()).as("description of %s", name).isNotBlank();
			names.add(name);
		}
		assertThat(names).contains("cluster.workers", "cluster.stats.interval", "cluster.metrics.scrape-timeout",
				"cluster.ipc.request-timeout", "management.endpoint.cluster.show-values")
			.hasSizeGreaterThanOrEqualTo(18);
	}

	@Test
	void workersSuggestsAuto() throws Exception {
		JsonNode hint = null;
		for (JsonNode candidate : metadata().get("hints")) {
			if (candidate.get("name").asString().equals("cluster.workers")) {
				hint = candidate;
			}
		}
		assertThat(hint).isNotNull();
		assertThat(hint.get("values").get(0).get("value").asString()).isEqualTo("auto");
	}

	private JsonNode metadata() throws Exception {
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			return JsonMapper.builder().build().readTree(in);
		}
	}

}
