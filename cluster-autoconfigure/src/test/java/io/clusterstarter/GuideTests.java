package io.clusterstarter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.clusterstarter.autoconfigure.ClusterProperties;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README stays a five-minute read that leads to every page of the guide ({@code docs/}), no
 * link of the README or the guide points at a page or a heading that is not there, and every
 * configuration snippet names only the starter's properties, with values its start-up accepts.
 */
class GuideTests {

	private static final Path ROOT = Path.of("..");

	private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

	@Test
	void readmeIsShortAndLinksEveryPageOfTheGuide() throws IOException {
		String readme = Files.readString(ROOT.resolve("README.md"));
		assertThat(readme.lines().count()).as("README lines").isLessThanOrEqualTo(200);
		for (Path page : pages()) {
			if (!page.equals(ROOT.resolve("README.md"))) {
				assertThat(readme).as("README links %s", page).contains("](docs/" + page.getFileName() + ")");
			}
		}
	}

	@Test
	void everyLinkLeadsToAPageAndHeadingThatExist() throws IOException {
		List<String> broken = new ArrayList<>();
		for (Path page : pages()) {
			String text = withoutCode(Files.readString(page));
			Matcher link = LINK.matcher(text);
			while (link.find()) {
				String target = link.group(1);
				if (target.matches("^[a-z]+:.*") || target.startsWith("<")) {
					continue;
				}
				String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
				Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
				if (!Files.exists(resolved)) {
					broken.add(page + ": " + target + " (no such file)");
				}
				else if (target.contains("#") && resolved.toString().endsWith(".md")
						&& !anchors(Files.readString(resolved)).contains(target.substring(target.indexOf('#') + 1))) {
					broken.add(page + ": " + target + " (no such heading)");
				}
			}
		}
		assertThat(broken).isEmpty();
	}

	@Test
	void everyConfigurationSnippetNamesKnownPropertiesWithValidValues() throws IOException {
		List<String> known = new ArrayList<>();
		JsonMapper.builder().build()
			.readTree(Path.of("target/classes/META-INF/spring-configuration-metadata.json").toFile())
			.get("properties")
			.forEach((property) -> known.add(property.get("name").asString()));
		Matcher snippet = Pattern.compile("```(yaml|properties)\n(.*?)```", Pattern.DOTALL).matcher("");
		int checked = 0;
		for (Path page : pages()) {
			snippet.reset(Files.readString(page));
			while (snippet.find()) {
				if (snippet.group(2).contains("kind: Deployment")) {
					continue; // Not the application's configuration: KubernetesManifestTests reads it
				}
				PropertySourceLoader loader = snippet.group(1).equals("yaml") ? new YamlPropertySourceLoader()
						: new PropertiesPropertySourceLoader();
				List<PropertySource<?>> sources = loader.load(page + " snippet " + checked,
						new ByteArrayResource(snippet.group(2).getBytes(StandardCharsets.UTF_8)));
				for (PropertySource<?> source : sources) {
					for (String name : ((EnumerablePropertySource<?>) source).getPropertyNames()) {
						String key = name.replaceAll("\\[\\d+]", "");
						if (key.startsWith("cluster.") || key.startsWith("management.endpoint.cluster")) {
							assertThat(known).as("%s in %s", name, page)
								.anySatisfy((property) -> assertThat(key.equals(property) || key.startsWith(property + "."))
									.isTrue());
						}
					}
				}
				// Bound and checked as at start-up: a value the primary would refuse fails here
				ClusterProperties properties = new Binder(ConfigurationPropertySources.from(sources))
					.bindOrCreate("cluster", ClusterProperties.class);
				properties.validate();
				checked++;
			}
		}
		assertThat(checked).isGreaterThanOrEqualTo(5);
	}

	private static List<Path> pages() throws IOException {
		List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
		try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
			docs.filter((file) -> file.toString().endsWith(".md")).sorted().forEach(pages::add);
		}
		return pages;
	}

	/** The headings' anchors as GitHub makes them: lower case, punctuation dropped, spaces as '-'. */
	private static List<String> anchors(String page) {
		return withoutCode(page).lines()
			.filter((line) -> line.matches("^#{1,6} .*"))
			.map((line) -> line.replaceFirst("^#+ ", "")
				.toLowerCase(Locale.ROOT)
				.replaceAll("[^\\p{L}\\p{N} _-]", "")
				.replace(' ', '-'))
			.toList();
	}

	private static String withoutCode(String page) {
		return page.replaceAll("(?s)```.*?```", "");
	}

}
