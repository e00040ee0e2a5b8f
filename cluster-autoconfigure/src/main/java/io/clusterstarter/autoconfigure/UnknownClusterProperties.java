package io.clusterstarter.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.StandardEnvironment;

/**
 * Finds {@code cluster.*} properties that no setting of the starter reads, such as
 * {@code cluster.worker} for {@code cluster.workers}, and warns about each with the closest known
 * property and where it was set. Spring Boot ignores keys it does not bind, so without this a typo
 * silently leaves the default in force.
 * <p>
 * It warns rather than refuses: {@code cluster} is a common word, so other libraries, the
 * application's own configuration or the platform ({@code CLUSTER_NAME} in many containers) may
 * use keys under it, and an application that ran without the starter must not stop because of them.
 * For the same reason, environment variables are reported only when they are one or two letters
 * away from a known property: there a typo is likely, elsewhere an unrelated variable is.
 *
 * @author cluster-spring-boot-starter
 */
public final class UnknownClusterProperties {

	private static final Log logger = LogFactory.getLog(UnknownClusterProperties.class);

	private static final ConfigurationPropertyName PREFIX = ConfigurationPropertyName.of("cluster");

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	/** Environment variables this close to a known property are reported as likely typos. */
	private static final int ENVIRONMENT_DISTANCE = 2;

	private UnknownClusterProperties() {
	}

	/**
	 * Log a warning for each unknown {@code cluster.*} property.
	 * @param environment the environment
	 * @param classLoader where the starter's configuration metadata is found
	 * @return the warnings, as logged
	 */
	public static List<String> warn(ConfigurableEnvironment environment, ClassLoader classLoader) {
		List<String> warnings = find(environment, knownProperties(classLoader));
		warnings.forEach(logger::warn);
		return warnings;
	}

	/**
	 * Describe each unknown {@code cluster.*} property.
	 * @param environment the environment
	 * @param known the known properties, by name, whether they take keys or indexes below them
	 * (maps and lists)
	 * @return one warning per unknown property
	 */
	static List<String> find(ConfigurableEnvironment environment, Map<ConfigurationPropertyName, Boolean> known) {
		if (known.isEmpty()) {
			return List.of(); // no metadata on the class path: nothing to compare with
		}
		Map<ConfigurationPropertyName, String> unknown = new LinkedHashMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource iterable)) {
				continue;
			}
			boolean fromEnvironment = StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME
				.equals(nameOf(source));
			iterable.stream().filter(PREFIX::isAncestorOf).filter((name) -> !isKnown(name, known)).forEach((name) -> {
				String closest = closest(name, known.keySet());
				int distance = distance(name.toString(), closest);
				if (fromEnvironment && distance > ENVIRONMENT_DISTANCE) {
					return;
				}
				unknown.putIfAbsent(name, describe(name, source.getConfigurationProperty(name), closest, distance));
			});
		}
		return new ArrayList<>(unknown.values());
	}

	private static String nameOf(ConfigurationPropertySource source) {
		Object underlying = source.getUnderlyingSource();
		return (underlying instanceof org.springframework.core.env.PropertySource<?> propertySource)
				? propertySource.getName() : null;
	}

	private static boolean isKnown(ConfigurationPropertyName name, Map<ConfigurationPropertyName, Boolean> known) {
		if (known.containsKey(name)) {
			return true;
		}
		return known.entrySet()
			.stream()
			.anyMatch((entry) -> entry.getValue() && entry.getKey().isAncestorOf(name));
	}

	private static String describe(ConfigurationPropertyName name, ConfigurationProperty property, String closest,
			int distance) {
		String origin = (property != null && property.getOrigin() != null) ? " (set in " + property.getOrigin() + ")"
				: "";
		String suggestion = (distance <= Math.max(3, name.toString().length() / 4)) ? "; did you mean '" + closest + "'?"
				: "; see the starter's docs/configuration-properties.md for the cluster.* properties";
		return "Unknown property '" + name + "'" + origin + " is ignored" + suggestion;
	}

	private static String closest(ConfigurationPropertyName name, Set<ConfigurationPropertyName> known) {
		String text = name.toString();
		return known.stream()
			.map(ConfigurationPropertyName::toString)
			.min(Comparator.comparingInt((candidate) -> distance(text, candidate)))
			.orElse("");
	}

	/**
	 * The Levenshtein distance: how many letters to insert, delete or change.
	 */
	static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int change = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(change, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

	/**
	 * The {@code cluster.*} properties of the starter's generated configuration metadata, each
	 * with whether it takes keys or indexes below it ({@code cluster.env.NAME},
	 * {@code cluster.args[0]}).
	 * @param classLoader where to find the metadata
	 * @return the known properties
	 */
	static Map<ConfigurationPropertyName, Boolean> knownProperties(ClassLoader classLoader) {
		Map<ConfigurationPropertyName, Boolean> known = new LinkedHashMap<>();
		JsonMapper mapper = JsonMapper.builder().build();
		Set<URL> files = new LinkedHashSet<>();
		try {
			files.addAll(Collections.list(classLoader.getResources(METADATA)));
		}
		catch (IOException ex) {
			logger.debug("Could not read the configuration metadata: " + ex.getMessage());
		}
		for (URL file : files) {
			try (InputStream in = file.openStream()) {
				for (JsonNode property : mapper.readTree(in).path("properties")) {
					String name = property.path("name").asString("");
					if (name.startsWith("cluster.")) {
						String type = property.path("type").asString("");
						known.put(ConfigurationPropertyName.of(name),
								type.startsWith("java.util.Map") || type.startsWith("java.util.List")
										|| type.startsWith("java.util.Set"));
					}
				}
			}
			catch (IOException | RuntimeException ex) {
				logger.debug("Could not read the configuration metadata in " + file + ": " + ex.getMessage());
			}
		}
		return known;
	}

}
