package io.clusterstarter.observe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges scrapes in the Prometheus text format (version 0.0.4) into one: every sample gains the
 * labels of the process it came from, and each family is written once, its {@code HELP} and
 * {@code TYPE} lines first and its samples from every process together, as the format requires.
 *
 * @author cluster-spring-boot-starter
 */
public final class PrometheusTextMerger {

	private final Map<String, Family> families = new LinkedHashMap<>();

	/**
	 * Add one process's scrape.
	 * @param text the scrape
	 * @param labels the labels that identify the process, already formatted
	 * ({@code worker_id="1",worker_slot="0"}), or an empty string for none
	 */
	public void add(String text, String labels) {
		// Parse the whole scrape before touching the families: a scrape with a malformed line
		// is refused whole, never half merged
		Map<String, Family> parsed = new LinkedHashMap<>();
		Family current = null;
		for (String line : text.split("\n")) {
			if (line.isBlank()) {
				continue;
			}
			if (line.startsWith("#")) {
				String[] parts = line.split(" ", 4);
				if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
					current = parsed.computeIfAbsent(parts[2], Family::new);
					current.header(parts[1], line);
				}
				// Other comments (and "# EOF") carry nothing a merged scrape needs
				continue;
			}
			String name = metricName(line);
			if (current == null || !current.owns(name)) {
				current = parsed.computeIfAbsent(name, Family::new);
			}
			current.samples.add(labels.isEmpty() ? line : withLabels(line, labels));
		}
		parsed.forEach((name, family) -> this.families.computeIfAbsent(name, Family::new).absorb(family));
	}

	/**
	 * Return the merged scrape.
	 * @return the text, ending with a new line
	 */
	public String merge() {
		StringBuilder text = new StringBuilder();
		for (Family family : this.families.values()) {
			if (family.help != null) {
				text.append(family.help).append('\n');
			}
			if (family.type != null) {
				text.append(family.type).append('\n');
			}
			family.samples.forEach((sample) -> text.append(sample).append('\n'));
		}
		return text.toString();
	}

	private static String metricName(String sample) {
		for (int i = 0; i < sample.length(); i++) {
			char c = sample.charAt(i);
			if (c == '{' || c == ' ' || c == '\t') {
				return sample.substring(0, i);
			}
		}
		return sample;
	}

	/**
	 * Add labels to a sample line, after any it has.
	 */
	public static String withLabels(String sample, String labels) {
		int nameEnd = metricName(sample).length();
		if (nameEnd < sample.length() && sample.charAt(nameEnd) == '{') {
			int close = closingBrace(sample, nameEnd);
			String existing = sample.substring(nameEnd + 1, close).strip();
			String separator = (existing.isEmpty() || existing.endsWith(",")) ? "" : ",";
			return sample.substring(0, nameEnd + 1) + existing + separator + labels + sample.substring(close);
		}
		return sample.substring(0, nameEnd) + "{" + labels + "}" + sample.substring(nameEnd);
	}

	/**
	 * Find the brace that closes the label set, skipping quoted values, which may contain
	 * braces and escaped quotes.
	 */
	private static int closingBrace(String sample, int open) {
		boolean quoted = false;
		for (int i = open + 1; i < sample.length(); i++) {
			char c = sample.charAt(i);
			if (quoted && c == '\\') {
				i++;
			}
			else if (c == '"') {
				quoted = !quoted;
			}
			else if (c == '}' && !quoted) {
				return i;
			}
		}
		throw new IllegalArgumentException("Unterminated label set in sample '" + sample + "'");
	}

	private static final class Family {

		private static final Set<String> SUFFIXES = Set.of("_total", "_created", "_bucket", "_count",
				"_sum", "_info", "_gcount", "_gsum");

		private final String name;

		private String help;

		private String type;

		private final List<String> samples = new ArrayList<>();

		Family(String name) {
			this.name = name;
		}

		/**
		 * Whether a sample belongs here: its name is the family's, or the family's with one of
		 * the format's suffixes ({@code foo_total} for counter {@code foo}, {@code foo_bucket}
		 * for histogram {@code foo}).
		 */
		boolean owns(String sampleName) {
			if (sampleName.equals(this.name)) {
				return true;
			}
			if (!sampleName.startsWith(this.name + "_")) {
				return false;
			}
			String suffix = sampleName.substring(this.name.length());
			return SUFFIXES.contains(suffix);
		}

		void absorb(Family other) {
			if (other.help != null) {
				header("HELP", other.help);
			}
			if (other.type != null) {
				header("TYPE", other.type);
			}
			this.samples.addAll(other.samples);
		}

		void header(String kind, String line) {
			if (kind.equals("HELP") && this.help == null) {
				this.help = line;
			}
			else if (kind.equals("TYPE") && this.type == null) {
				this.type = line;
			}
		}

	}

}
