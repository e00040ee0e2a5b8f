package io.clusterstarter.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
		try {
			Process process = new ProcessBuilder("ss", "-ltnpH", "sport = :" + port).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			process.waitFor();
			Set<Long> pids = new TreeSet<>();
			Matcher matcher = PID.matcher(output);
			while (matcher.find()) {
				pids.add(Long.parseLong(matcher.group(1)));
			}
			return pids;
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
