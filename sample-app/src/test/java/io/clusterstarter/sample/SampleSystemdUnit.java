package io.clusterstarter.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The systemd unit the guide documents ({@code docs/systemd/app.service}, in docs/deploying.md), read as systemd reads
 * its directives, so that the tests run its very commands.
 */
final class SampleSystemdUnit {

	static final Path FILE = Path.of(System.getProperty("systemd.unit", "../docs/systemd/app.service"));

	/** The jar the unit runs, and the java it runs it with: replaced by the test's. */
	static final String JAR = "/srv/app/current.jar";

	static final String JAVA = "/usr/bin/java";

	private final Map<String, String> directives;

	private SampleSystemdUnit(Map<String, String> directives) {
		this.directives = directives;
	}

	static SampleSystemdUnit load() throws IOException {
		Map<String, String> directives = new LinkedHashMap<>();
		for (String line : Files.readAllLines(FILE)) {
			String trimmed = line.trim();
			if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("[")) {
				continue;
			}
			int equals = trimmed.indexOf('=');
			directives.put(trimmed.substring(0, equals), trimmed.substring(equals + 1));
		}
		return new SampleSystemdUnit(directives);
	}

	String get(String directive) {
		return this.directives.get(directive);
	}

	/**
	 * One of the unit's commands, with the test's java and jar in place of the unit's.
	 */
	List<String> command(String directive, Path java, Path jar) {
		List<String> command = new ArrayList<>();
		for (String word : Arrays.asList(get(directive).split(" +"))) {
			command.add(word.equals(JAVA) ? java.toString() : word.equals(JAR) ? jar.toString() : word);
		}
		return command;
	}

}
