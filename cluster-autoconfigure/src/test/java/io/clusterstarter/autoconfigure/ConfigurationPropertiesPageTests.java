package io.clusterstarter.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build generates the properties page from the metadata the configuration processor wrote
 * ({@code target/configuration-properties.md}); the committed page must be what it generates, so
 * that no property is documented twice or wrongly. {@code -Ddocs.write=true} writes it.
 */
class ConfigurationPropertiesPageTests {

	private static final Path METADATA = Path.of("target/classes/META-INF/spring-configuration-metadata.json");

	private static final Path COMMITTED = Path.of("../docs/configuration-properties.md");

	@Test
	void committedPageIsWhatTheMetadataGenerates() throws Exception {
		JsonNode metadata = JsonMapper.builder().build().readTree(METADATA.toFile());
		String generated = ConfigurationPropertiesPage.render(metadata);
		Files.writeString(Path.of("target/configuration-properties.md"), generated, StandardCharsets.UTF_8);
		if (Boolean.getBoolean("docs.write")) {
			Files.writeString(COMMITTED, generated, StandardCharsets.UTF_8);
		}
		assertThat(Files.readString(COMMITTED, StandardCharsets.UTF_8))
			.as("docs/configuration-properties.md is generated from the metadata; to update it, run: "
					+ ConfigurationPropertiesPage.UPDATE)
			.isEqualTo(generated);
	}

	@Test
	void everyPropertyHasARowWithItsDefaultAndEnumsListTheirValues() throws Exception {
		String page = ConfigurationPropertiesPage.render(JsonMapper.builder().build().readTree(METADATA.toFile()));
		assertThat(page).contains("| `cluster.shutdown-timeout` | duration | `30s` | ",
				"| `cluster.balancing` | one of `auto`, `shared-queue`, `reuse-port` | `auto` | ",
				"| `cluster.stats.history` | duration | `1h` | ",
				"Values: `auto` (One worker per processor available to the JVM (container-aware))",
				"| `management.endpoint.cluster.access` | one of `none`, `read-only`, `unrestricted` | `read-only` | ");
		JsonNode metadata = JsonMapper.builder().build().readTree(METADATA.toFile());
		for (JsonNode property : metadata.get("properties")) {
			assertThat(page).contains("| `" + property.get("name").asString() + "` | ");
		}
	}

}
