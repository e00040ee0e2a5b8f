#!/usr/bin/env bash
# Heap the primary's dashboard history (cluster.stats.history, 360 points) takes once full, for a
# cluster of 4 and of 16 workers: 50 histories filled in one JVM, the heap in use after a full
# collection measured before (the baseline, side by side in the same JVM) and after. Prints each
# figure beside its target (at most 80 KB for 4 workers, 160 KB for 16) and exits 1 on a miss.
#
#   benchmarks/history-memory.sh
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 benchmarks/history-memory.sh
#
# Needs: the starter built (./mvnw -B -q -DskipTests install).
set -euo pipefail
cd "$(dirname "$0")/.."
source benchmarks/lib.sh

classes=cluster-autoconfigure/target/classes
[[ -f $classes/io/clusterstarter/observe/ClusterHistory.class ]] || { echo "No $classes: run ./mvnw -B -q -DskipTests install first" >&2; exit 1; }
./mvnw -B -q -pl cluster-autoconfigure dependency:build-classpath -Dmdep.outputFile="$BENCH_TMP/cp.txt" >/dev/null

cat >"$BENCH_TMP/HistoryMemory.java" <<'JAVA'
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.observe.ClusterHistory;

public class HistoryMemory {

	static final int HISTORIES = 200;

	public static void main(String[] args) throws Exception {
		boolean missed = false;
		for (String arg : args) {
			int workers = Integer.parseInt(arg.split(":")[0]);
			long targetKb = Long.parseLong(arg.split(":")[1]);
			ClusterSnapshot snapshot = snapshot(workers);
			fill(snapshot); // loads and compiles what a history needs, before the baseline
			long baseline = usedAfterGc();
			ClusterHistory[] histories = new ClusterHistory[HISTORIES];
			for (int h = 0; h < HISTORIES; h++) {
				histories[h] = fill(snapshot);
			}
			long full = usedAfterGc();
			double kb = (full - baseline) / 1024.0 / HISTORIES;
			boolean met = kb <= targetKb;
			missed |= !met;
			System.out.printf("%2d workers: %.1f KB per full history (%d bytes per point; baseline %.1f MB in use), "
					+ "target <= %d KB: %s%n", workers, kb, (full - baseline) / HISTORIES / ClusterHistory.POINTS,
					baseline / 1048576.0, targetKb, met ? "met" : "MISSED");
			histories[0].series(); // keeps them reachable until measured
		}
		System.exit(missed ? 1 : 0);
	}

	static ClusterHistory fill(ClusterSnapshot snapshot) {
		ClusterHistory history = new ClusterHistory(Duration.ofHours(1), Duration.ofSeconds(5));
		for (int p = 0; p < ClusterHistory.POINTS; p++) {
			history.record(Instant.now(), snapshot);
		}
		return history;
	}

	static long usedAfterGc() throws InterruptedException {
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(100);
		}
		Runtime runtime = Runtime.getRuntime();
		return runtime.totalMemory() - runtime.freeMemory();
	}

	static ClusterSnapshot snapshot(int workers) {
		Map<String, ClusterSnapshot.WorkerInfo> map = new LinkedHashMap<>();
		for (int i = 0; i < workers; i++) {
			ClusterSnapshot.Report report = new ClusterSnapshot.Report("t", "PT1S", false, null, null, null, null,
					new ClusterSnapshot.Requests(1, 0, 2.0), 1L << 28, 1L << 28);
			map.put(String.valueOf(i), new ClusterSnapshot.WorkerInfo(i, i, 1000 + i, "listening", true, false, null,
					null, false, null, null, null, null, 0, report, null, null));
		}
		return new ClusterSnapshot(new ClusterSnapshot.Primary(1, null, null, 8080, "shared-queue", null, null, null,
				null, 1L << 27, null, null, null, null, null), map);
	}

}
JAVA

classpath="$classes:$(cat "$BENCH_TMP/cp.txt")"
# Compiled first: the source launcher's own compiler would share the heap being measured
"${JAVA%java}javac" -d "$BENCH_TMP" -cp "$classpath" "$BENCH_TMP/HistoryMemory.java"
"$JAVA" -version 2>&1 | head -1
"$JAVA" -Xmx1g -XX:+UseSerialGC -cp "$BENCH_TMP:$classpath" HistoryMemory 4:80 16:160
