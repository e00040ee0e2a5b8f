package io.clusterstarter.observe;

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
public final class ClusterCounters {

	/**
	 * Why a worker exited.
	 */
	public enum ExitCause {

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

		public String tag() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}

	}

	public final LongAdder forks = new LongAdder();

	public final LongAdder restarts = new LongAdder();

	public final LongAdder recycles = new LongAdder();

	public final Map<ExitCause, LongAdder> exits = new EnumMap<>(ExitCause.class);

	public final LongAdder startups = new LongAdder();

	public final LongAdder startupNanos = new LongAdder();

	public final LongAdder scrapeMisses = new LongAdder();

	public ClusterCounters() {
		for (ExitCause cause : ExitCause.values()) {
			this.exits.put(cause, new LongAdder());
		}
	}

	public void exited(boolean afterDisconnect, int code, String signal, boolean outOfMemory) {
		ExitCause cause = afterDisconnect ? ExitCause.DISCONNECT : outOfMemory ? ExitCause.OOM_KILL
				: (signal != null) ? ExitCause.SIGNAL : (code == 0) ? ExitCause.CLEAN : ExitCause.ERROR;
		this.exits.get(cause).increment();
	}

	public void started(Duration startup) {
		this.startups.increment();
		this.startupNanos.add(startup.toNanos());
	}

	public long totalExits() {
		return this.exits.values().stream().mapToLong(LongAdder::sum).sum();
	}

}
