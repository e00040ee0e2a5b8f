package io.clusterstarter.primary;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the primary has done since it started: the source of the counters in
 * {@code /actuator/cluster} and of the primary's meters. Plain adders, so the primary needs no
 * metrics library to keep them.
 *
 * @author cluster-spring-boot-starter
 */
final class ClusterCounters {

	/**
	 * Why a worker exited.
	 */
	enum ExitCause {

		/** It was disconnected (by the primary or itself) and left as asked. */
		DISCONNECT,

		/** It exited with status 0 on its own. */
		CLEAN,

		/** It exited with a non-zero status. */
		ERROR,

		/** A signal killed it. */
		SIGNAL,

		/** The kernel's out-of-memory killer killed it. */
		OOM_KILL;

		String tag() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

	final LongAdder forks = new LongAdder();

	final LongAdder restarts = new LongAdder();

	final LongAdder recycles = new LongAdder();

	final Map<ExitCause, LongAdder> exits = new EnumMap<>(ExitCause.class);

	final LongAdder startups = new LongAdder();

	final LongAdder startupNanos = new LongAdder();

	final LongAdder scrapeMisses = new LongAdder();

	ClusterCounters() {
		for (ExitCause cause : ExitCause.values()) {
			this.exits.put(cause, new LongAdder());
		}
	}

	void exited(boolean afterDisconnect, int code, String signal, boolean outOfMemory) {
		ExitCause cause = afterDisconnect ? ExitCause.DISCONNECT : outOfMemory ? ExitCause.OOM_KILL
				: (signal != null) ? ExitCause.SIGNAL : (code == 0) ? ExitCause.CLEAN : ExitCause.ERROR;
		this.exits.get(cause).increment();
	}

	void started(Duration startup) {
		this.startups.increment();
		this.startupNanos.add(startup.toNanos());
	}

	long totalExits() {
		return this.exits.values().stream().mapToLong(LongAdder::sum).sum();
	}

}
