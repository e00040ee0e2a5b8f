package io.clusterstarter.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which processes listen on a TCP port, from {@code ss} (iproute2).
 */
final class Listeners {

	private static final Pattern PID = Pattern.compile("pid=(\\d+)");

	private Listeners() {
	}

	static Set<Long> on(int port) {
		Set<Long> pids = new TreeSet<>();
		for (String line : ss("-ltnpH", "sport = :" + port)) {
			Matcher matcher = PID.matcher(line);
			while (matcher.find()) {
				pids.add(Long.parseLong(matcher.group(1)));
			}
		}
		return pids;
	}

	/**
	 * Run {@code ss}.
	 * @param options the options, such as {@code -ltnH}
	 * @param filter the filter, such as {@code sport = :8080}
	 * @return one line per socket
	 */
	static List<String> ss(String options, String filter) {
		try {
			Process process = new ProcessBuilder("ss", options, filter).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			process.waitFor();
			return output.lines().filter((line) -> !line.isBlank()).toList();
		}
		catch (IOException ex) {
			throw new IllegalStateException("ss (iproute2) is needed by this test", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
