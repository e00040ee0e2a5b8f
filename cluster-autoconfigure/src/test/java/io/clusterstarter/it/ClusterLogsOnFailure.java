package io.clusterstarter.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When a test fails, prints the end of the log of every cluster it started, or, when it started
 * none, of those its class started before it (a cluster the class's tests share), once per log:
 * a CI run's clone is gone by the time anyone reads its output, and the cluster's log is what
 * says why a worker exited or a request went unanswered. Registered for every test class through
 * the JUnit Platform's extension auto-detection ({@code junit-platform.properties}).
 *
 * @author cluster-spring-boot-starter
 */
public class ClusterLogsOnFailure implements BeforeAllCallback, BeforeEachCallback, TestWatcher {

	private static final int LINES = 150;

	private static final Namespace NAMESPACE = Namespace.create(ClusterLogsOnFailure.class);

	@Override
	public void beforeAll(ExtensionContext context) {
		context.getStore(NAMESPACE).put("first", ClusterProcess.logsStarted().size());
		context.getStore(NAMESPACE).put("printed", new HashSet<Path>());
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		context.getStore(NAMESPACE).put("first", ClusterProcess.logsStarted().size());
	}

	@Override
	@SuppressWarnings("unchecked")
	public void testFailed(ExtensionContext context, Throwable cause) {
		ExtensionContext classContext = context.getParent().orElse(context);
		Integer classFirst = classContext.getStore(NAMESPACE).get("first", Integer.class);
		Integer testFirst = context.getStore(NAMESPACE).get("first", Integer.class);
		Set<Path> printed = classContext.getStore(NAMESPACE).get("printed", Set.class);
		if (classFirst == null || testFirst == null || printed == null) {
			return;
		}
		List<Path> logs = ClusterProcess.logsStarted();
		List<Path> own = logs.subList(testFirst, logs.size());
		for (Path log : own.isEmpty() ? logs.subList(classFirst, testFirst) : own) {
			if (printed.add(log)) {
				print(context.getDisplayName(), log);
			}
		}
	}

	private static void print(String test, Path log) {
		try {
			List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
			List<String> tail = lines.subList(Math.max(0, lines.size() - LINES), lines.size());
			StringBuilder out = new StringBuilder();
			out.append("---- ").append(test).append(" failed; the last ").append(tail.size()).append(" of ")
				.append(lines.size()).append(" lines of ").append(log.toAbsolutePath()).append(" ----\n");
			tail.forEach((line) -> out.append(line).append('\n'));
			out.append("---- end of ").append(log.getFileName()).append(" ----");
			System.out.println(out);
		}
		catch (IOException ex) {
			System.out.println("---- " + test + " failed; its cluster's log " + log + " could not be read: " + ex);
		}
	}

}
