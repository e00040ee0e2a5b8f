package io.clusterstarter.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's command line run as a user runs it, {@code java -Djarmode=cluster -jar app.jar},
 * in a process of its own, with its exit status and what it printed.
 */
final class SampleCommandLine {

	/** The longest a command may take here: a reload replaces workers that each take a while to boot. */
	static final Duration LONGEST = Duration.ofMinutes(5);

	private SampleCommandLine() {
	}

	/**
	 * Run a command of the jar's command line.
	 * @param prefix what runs {@code java} (another user's {@code setpriv}), or empty
	 * @param java the java executable
	 * @param jar the application's jar
	 * @param directory the control directory ({@code --dir})
	 * @param args the command
	 * @return what it did
	 */
	static Result run(List<String> prefix, Path java, Path jar, Path directory, String... args)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(prefix);
		command.add(java.toString());
		if (!prefix.isEmpty()) {
			// As another user, the JVM would leave its own hsperfdata directory in /tmp behind
			command.add("-XX:-UsePerfData");
		}
		command.addAll(List.of("-Djarmode=cluster", "-jar", jar.toString(), "--dir", directory.toString()));
		command.addAll(List.of(args));
		return exec(command, Map.of());
	}

	/**
	 * Run a command line as it is written, with extra environment variables.
	 * @param command the command
	 * @param environment the variables added to this JVM's
	 * @return what it did
	 */
	static Result exec(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
		Path out = Files.createTempFile("command-", ".out");
		Path err = Files.createTempFile("command-", ".err");
		try {
			ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
			builder.environment().putAll(environment);
			Process process = builder.start();
			boolean ended = process.waitFor(LONGEST.toSeconds(), TimeUnit.SECONDS);
			if (!ended) {
				process.destroyForcibly();
			}
			assertThat(ended).as("%s ended; printed:%n%s%n%s", command, Files.readString(out), Files.readString(err))
				.isTrue();
			return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
					Files.readString(err, StandardCharsets.UTF_8));
		}
		finally {
			Files.deleteIfExists(out);
			Files.deleteIfExists(err);
		}
	}

	static Path java() {
		return Path.of(System.getProperty("java.home"), "bin", "java");
	}

	/**
	 * What a command did.
	 * @param exit its exit status
	 * @param out what it printed on standard output
	 * @param err what it printed on standard error
	 */
	record Result(int exit, String out, String err) {

		@Override
		public String toString() {
			return "exit " + this.exit + "\n--- stdout\n" + this.out + "--- stderr\n" + this.err;
		}

	}

}
