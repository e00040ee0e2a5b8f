package io.clusterstarter.control;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.clusterstarter.ClusterSnapshot;

/**
 * The cluster as {@code status} and {@code monit} print it, after {@code pm2 ls}: a line for the
 * primary, then a table with a row per worker.
 *
 * @author cluster-spring-boot-starter
 */
public final class StatusTable {

	static final List<String> HEADER = List.of("ID", "SLOT", "PID", "STATE", "VERSION", "UPTIME", "RESTARTS", "HEAP",
			"RSS", "CPU", "REQ/S", "REPORT");

	/** Columns aligned right: the numbers. */
	private static final List<Integer> RIGHT = List.of(0, 1, 2, 6, 7, 8, 9, 10);

	private StatusTable() {
	}

	/**
	 * Render the cluster.
	 * @param name the cluster's name
	 * @param snapshot the primary's view
	 * @return the text, lines separated by {@code \n}, without a final line break
	 */
	public static String render(String name, ClusterSnapshot snapshot) {
		ClusterSnapshot.Primary primary = snapshot.primary();
		Function<ClusterSnapshot.Release, String> version = versions(snapshot);
		int configured = (primary.settings() != null) ? primary.settings().workers() : snapshot.workers().size();
		long serving = snapshot.workers().values().stream().filter((worker) -> serving(primary, worker)).count();
		StringBuilder text = new StringBuilder();
		text.append("cluster ").append(name).append("   primary pid ").append(primary.pid()).append("   up ")
			.append(duration(primary.uptime()));
		if (primary.rss() != null) {
			text.append("   rss ").append(bytes(primary.rss()));
		}
		if (primary.release() != null && primary.release().version() != null) {
			text.append("   release ").append(version.apply(primary.release()));
		}
		if (primary.port() != null) {
			text.append("   port ").append(primary.port());
			if (primary.scheduling() != null && !"none".equals(primary.scheduling())) {
				text.append(" (").append(primary.scheduling()).append(')');
			}
		}
		text.append("   ").append(serving).append('/').append(configured).append(" workers ")
			.append((primary.port() != null) ? "serving" : "ready");
		if (primary.deploy() != null) {
			text.append("\ndeploying ").append(version.apply(primary.deploy().release())).append(" (")
				.append(primary.deploy().phase()).append(')');
		}
		if (primary.runs() != null) {
			ClusterSnapshot.PrimaryRelease runs = primary.runs();
			text.append("\nprimary runs ").append((runs.version() != null) ? runs.version() : "?")
				.append(" (starter ").append((runs.starter() != null) ? runs.starter() : "?").append(')')
				.append(", started ").append(primary.startTime());
			if (runs.upgradedFrom() != null) {
				text.append(", upgraded from pid ").append(runs.upgradedFrom());
			}
		}
		if (primary.failedSlots() != null && !primary.failedSlots().isEmpty()) {
			text.append("\nfailed slots ").append(primary.failedSlots())
				.append(": their workers crashed too often and are not restarted (see 'logs')");
		}
		List<List<String>> rows = new ArrayList<>();
		rows.add(HEADER);
		for (ClusterSnapshot.WorkerInfo worker : snapshot.workers().values()) {
			rows.add(row(worker, version));
		}
		text.append('\n').append(table(rows));
		if (snapshot.workers().isEmpty()) {
			text.append("\n(no workers)");
		}
		return text.toString();
	}

	/**
	 * Return whether a worker serves: it listens, or, without a web server, it is ready.
	 * @param primary the primary, which knows whether there is a port
	 * @param worker the worker
	 * @return whether it serves
	 */
	public static boolean serving(ClusterSnapshot.Primary primary, ClusterSnapshot.WorkerInfo worker) {
		return (primary.port() != null) ? "listening".equals(worker.state()) : worker.ready();
	}

	private static List<String> row(ClusterSnapshot.WorkerInfo worker,
			Function<ClusterSnapshot.Release, String> version) {
		ClusterSnapshot.Report report = worker.report();
		boolean fresh = report != null && !report.stale();
		ClusterSnapshot.Warmup warmup = worker.warmup();
		// A warm-up under way shows how far it is
		String state = worker.state()
				+ ((warmup != null && !warmup.isOver()) ? " " + Math.round(warmup.progress() * 100) + "%" : "")
				+ (worker.lead() ? " (lead)" : "");
		return List.of(String.valueOf(worker.id()), String.valueOf(worker.slot()), String.valueOf(worker.pid()), state,
				version.apply(worker.release()), duration(worker.uptime()), String.valueOf(worker.restarts()),
				(fresh && report.heap() != null) ? bytes(report.heap().used()) : "-",
				(fresh && report.rss() != null) ? bytes(report.rss()) : "-",
				(fresh && report.processCpuLoad() != null)
						? String.format(Locale.ROOT, "%.1f%%", report.processCpuLoad() * 100) : "-",
				(fresh && report.requests() != null && report.requests().perSecond() != null)
						? String.format(Locale.ROOT, "%.1f", report.requests().perSecond()) : "-",
				(report == null) ? "-" : duration(report.age()) + " ago" + (report.stale() ? " (stale)" : ""));
	}

	/**
	 * How each release is named in the table: its version, and the start of its content's hash
	 * too when another release in the snapshot has the same version (two builds with one
	 * {@code Implementation-Version}).
	 */
	static Function<ClusterSnapshot.Release, String> versions(ClusterSnapshot snapshot) {
		ClusterSnapshot.Primary primary = snapshot.primary();
		List<ClusterSnapshot.Release> releases = new ArrayList<>();
		releases.add(primary.release());
		releases.add(primary.previousRelease());
		releases.add((primary.deploy() != null) ? primary.deploy().release() : null);
		snapshot.workers().values().forEach((worker) -> releases.add(worker.release()));
		Map<String, Set<String>> hashes = new HashMap<>();
		for (ClusterSnapshot.Release release : releases) {
			if (release != null && release.version() != null && release.sha256() != null) {
				hashes.computeIfAbsent(release.version(), (key) -> new HashSet<>()).add(release.sha256());
			}
		}
		return (release) -> {
			if (release == null || release.version() == null) {
				return "-";
			}
			boolean ambiguous = release.sha256() != null && hashes.getOrDefault(release.version(), Set.of()).size() > 1;
			return ambiguous ? release.version() + " (sha " + release.sha256().substring(0, 8) + ")" : release.version();
		};
	}

	static String table(List<List<String>> rows) {
		int columns = rows.get(0).size();
		int[] widths = new int[columns];
		for (List<String> row : rows) {
			for (int i = 0; i < columns; i++) {
				widths[i] = Math.max(widths[i], row.get(i).length());
			}
		}
		StringBuilder text = new StringBuilder();
		for (List<String> row : rows) {
			if (text.length() > 0) {
				text.append('\n');
			}
			StringBuilder line = new StringBuilder();
			for (int i = 0; i < columns; i++) {
				String cell = row.get(i);
				String padding = " ".repeat(widths[i] - cell.length());
				line.append(RIGHT.contains(i) ? padding + cell : cell + padding).append((i < columns - 1) ? "  " : "");
			}
			text.append(line.toString().stripTrailing());
		}
		return text.toString();
	}

	/**
	 * An ISO-8601 duration as a person reads it: {@code 12s}, {@code 5m 02s}, {@code 2h 05m},
	 * {@code 3d 04h}; sub-second ones as {@code 0.4s}.
	 */
	static String duration(String iso) {
		if (iso == null) {
			return "-";
		}
		Duration duration;
		try {
			duration = Duration.parse(iso);
		}
		catch (DateTimeParseException ex) {
			return iso;
		}
		long seconds = Math.max(0, duration.getSeconds());
		if (seconds < 10) {
			return String.format(Locale.ROOT, "%.1fs", Math.max(0, duration.toMillis()) / 1000.0);
		}
		if (seconds < 60) {
			return seconds + "s";
		}
		if (seconds < 3600) {
			return String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60);
		}
		if (seconds < 86400) {
			return String.format(Locale.ROOT, "%dh %02dm", seconds / 3600, (seconds % 3600) / 60);
		}
		return String.format(Locale.ROOT, "%dd %02dh", seconds / 86400, (seconds % 86400) / 3600);
	}

	static String bytes(long bytes) {
		double mib = bytes / (1024.0 * 1024.0);
		return (mib < 1024) ? String.format(Locale.ROOT, "%.0f MB", mib)
				: String.format(Locale.ROOT, "%.1f GB", mib / 1024);
	}

}
