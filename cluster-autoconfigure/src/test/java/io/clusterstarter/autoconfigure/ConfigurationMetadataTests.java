package io.clusterstarter.autoconfigure;

import java.io.InputStream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code cluster.*} property is documented in the generated metadata, so IDEs explain it.
 */
class ConfigurationMetadataTests {

	@Test
	void everyClusterPropertyHasADescription() throws Exception {
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			JsonNode metadata = JsonMapper.builder().build().readTree(in);
			int count = 0;
			for (JsonNode property : metadata.get("properties")) {
				if (property.get("name").asString().startsWith("cluster.")) {
					count++;
					assertThat(property.path("description").asString())
						.as("description of %s", property.get("name").asString())
						.isNotBlank();
				}
			}
			assertThat(count).isGreaterThanOrEqualTo(12);
		}
	}

}
