package io.clusterstarter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README stays a five-minute read that leads to every page of the guide ({@code docs/}), and
 * no link of the README or the guide points at a page or a heading that is not there.
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
