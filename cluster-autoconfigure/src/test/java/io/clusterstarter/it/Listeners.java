package io.clusterstarter.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which processes listen on a TCP port, from {@code ss} (iproute2).
 */
final class Listeners {

	private static final Pattern PID = Pattern.compile("pid=(\\d+)");

	private static final Pattern SERVER_THREAD = Pattern.compile("^\"(qtp|.*acceptor|.*selector|reactor-http|cluster-)");

	private Listeners() {
	}

	static Set<Long> on(int port) {
		return pids(ss("-ltnpH", "sport = :" + port));
	}

	/**
	 * The processes that hold the sockets of some lines of {@code ss -p}.
	 * @param lines the lines
	 * @return their pids
	 */
	static Set<Long> pids(List<String> lines) {
		Set<Long> pids = new TreeSet<>();
		for (String line : lines) {
			Matcher matcher = PID.matcher(line);
			while (matcher.find()) {
				pids.add(Long.parseLong(matcher.group(1)));
			}
		}
		return pids;
	}

	/**
	 * The threads of a JVM that accept and serve connections (Jetty's and Reactor Netty's, and the
	 * cluster's own), from {@code jcmd Thread.print}: where a connection that a worker accepted
	 * but never answered is stuck.
	 * @param pid the JVM's pid
	 * @return their stacks, or why they could not be read
	 */
	static String serverThreads(long pid) {
		try {
			Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
					String.valueOf(pid), "Thread.print")
				.redirectErrorStream(true)
				.start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			process.waitFor();
			return Arrays.stream(output.split("\n\s*\n"))
				.filter((thread) -> SERVER_THREAD.matcher(thread.lines().findFirst().orElse("")).find())
				.collect(Collectors.joining("\n\n", "threads of " + pid + ":\n", "\n"));
		}
		catch (IOException ex) {
			return "no thread dump of " + pid + ": " + ex.getMessage();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "no thread dump of " + pid + ": interrupted";
		}
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
