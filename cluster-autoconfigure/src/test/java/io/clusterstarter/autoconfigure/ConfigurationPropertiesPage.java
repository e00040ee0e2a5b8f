package io.clusterstarter.autoconfigure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;

/**
 * Renders the reference page of the starter's properties, {@code docs/configuration-properties.md},
 * from its configuration metadata ({@code META-INF/spring-configuration-metadata.json}, which the
 * configuration processor writes from the Javadoc of the properties): one table per group, with
 * each property's type, default and description. An enum's type lists its values.
 */
final class ConfigurationPropertiesPage {

	/** The command that writes the page anew, for its header and the test's failure. */
	static final String UPDATE = "./mvnw -B -pl cluster-autoconfigure test -Dtest=ConfigurationPropertiesPageTests -Ddocs.write=true";

	private ConfigurationPropertiesPage() {
	}

	static String render(JsonNode metadata) {
		List<String> groups = new ArrayList<>();
		metadata.get("groups").forEach((group) -> groups.add(group.get("name").asString()));
		Map<String, JsonNode> hints = new LinkedHashMap<>();
		metadata.path("hints").forEach((hint) -> hints.put(hint.get("name").asString(), hint));
		Map<String, List<JsonNode>> byGroup = new LinkedHashMap<>();
		groups.stream().sorted(ConfigurationPropertiesPage::compareGroups).forEach((group) -> byGroup.put(group, new ArrayList<>()));
		for (JsonNode property : metadata.get("properties")) {
			String name = property.get("name").asString();
			String group = groups.stream()
				.filter((candidate) -> name.startsWith(candidate + "."))
				.max((a, b) -> Integer.compare(a.length(), b.length()))
				.orElseThrow(() -> new IllegalStateException("No group for " + name));
			byGroup.get(group).add(property);
		}
		StringBuilder page = new StringBuilder();
		page.append("# Configuration properties\n\n")
			.append("<!-- Generated from the starter's configuration metadata by ConfigurationPropertiesPageTests: do not\n")
			.append("     edit. Change the property's Javadoc, then run: ")
			.append(UPDATE)
			.append(" -->\n\n")
			.append("Every property of the starter, from its configuration metadata (what IDEs show too). Durations\n")
			.append("take a unit (`500ms`, `30s`, `5m`), sizes too (`512KB`, `1MB`); environment variables work as\n")
			.append("for any Spring Boot property (`CLUSTER_WORKERS=4`). How they are read and checked:\n")
			.append("[configuration.md](configuration.md).\n");
		byGroup.forEach((group, properties) -> {
			if (properties.isEmpty()) {
				return;
			}
			page.append("\n## `").append(group).append("`\n\n")
				.append("| Property | Type | Default | Description |\n")
				.append("|---|---|---|---|\n");
			properties.stream()
				.sorted((a, b) -> a.get("name").asString().compareTo(b.get("name").asString()))
				.forEach((property) -> page.append("| `")
					.append(property.get("name").asString())
					.append("` | ")
					.append(type(property.get("type").asString()))
					.append(" | ")
					.append(defaultValue(property.get("defaultValue")))
					.append(" | ")
					.append(description(property, hints.get(property.get("name").asString())))
					.append(" |\n"));
		});
		return page.toString();
	}

	/** The cluster's own groups first, the top one first; then the endpoints' groups. */
	private static int compareGroups(String a, String b) {
		boolean clusterA = a.startsWith("cluster");
		boolean clusterB = b.startsWith("cluster");
		if (clusterA != clusterB) {
			return clusterA ? -1 : 1;
		}
		return a.compareTo(b);
	}

	static String type(String type) {
		String simple = type.replaceAll("[a-z][a-z0-9]*\\.", "");
		return switch (simple) {
			case "Boolean", "boolean" -> "boolean";
			case "Integer", "int", "Long", "long" -> "integer";
			case "Double", "double" -> "number";
			case "String" -> "string";
			case "Duration" -> "duration";
			case "DataSize" -> "size";
			case "Path" -> "path";
			case "List<String>", "Set<String>" -> "list of strings";
			case "Map<String,String>" -> "map of strings";
			default -> enumValues(type);
		};
	}

	private static String enumValues(String type) {
		String className = type.replaceAll("^.*<", "").replaceAll(">.*$", "");
		try {
			Class<?> candidate = Class.forName(className);
			if (candidate.isEnum()) {
				return "one of " + Arrays.stream(candidate.getEnumConstants())
					.map((constant) -> "`" + ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-') + "`")
					.collect(Collectors.joining(", "));
			}
			String simple = candidate.getSimpleName();
			return type.startsWith("java.util.List<") ? "list of " + simple.toLowerCase(Locale.ROOT) + "s" : simple;
		}
		catch (ClassNotFoundException ex) {
			return "`" + type + "`";
		}
	}

	private static String defaultValue(JsonNode value) {
		if (value == null || value.isNull()) {
			return "";
		}
		String text = value.isArray() ? String.join(",", value.valueStream().map(JsonNode::asString).toList())
				: value.asString();
		return "`" + text.toLowerCase(Locale.ROOT).replace('_', '-') + "`";
	}

	private static String description(JsonNode property, JsonNode hint) {
		String text = property.path("description").asString("").replace("\n", " ").replace("|", "\\|").strip();
		if (hint != null) {
			List<String> values = new ArrayList<>();
			hint.path("values")
				.forEach((value) -> values.add("`" + value.get("value").asString() + "` (" + value.path("description")
					.asString("")
					.replaceAll("\\.$", "") + ")"));
			text += " Values: " + String.join(", ", values) + ".";
		}
		return text;
	}

}
