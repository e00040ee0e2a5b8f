package io.clusterstarter.event;

import java.util.Optional;

import io.clusterstarter.Worker;

/**
 * A worker's process exited.
 *
 * @author cluster-spring-boot-starter
 */
public class WorkerExitEvent extends WorkerEvent {

	/** Why a worker was killed when the kernel's out-of-memory killer ended it. */
	public static final String OUT_OF_MEMORY = "out of memory: the kernel's OOM killer ended it";

	private final int exitCode;

	private final String signal;

	private final boolean exitedAfterDisconnect;

	private final String killedBecause;

	/**
	 * Create an event.
	 * @param worker the worker
	 * @param exitCode the exit code as the JDK reports it ({@code 128 + n} after signal n)
	 * @param signal the signal that ended the process, or {@code null}
	 * @param exitedAfterDisconnect whether the exit followed a disconnect
	 */
	public WorkerExitEvent(Worker worker, int exitCode, String signal, boolean exitedAfterDisconnect) {
		this(worker, exitCode, signal, exitedAfterDisconnect, null);
	}

	/**
	 * Create an event.
	 * @param worker the worker
	 * @param exitCode the exit code as the JDK reports it ({@code 128 + n} after signal n)
	 * @param signal the signal that ended the process, or {@code null}
	 * @param exitedAfterDisconnect whether the exit followed a disconnect
	 * @param killedBecause why the worker was killed, by the primary or by the kernel's OOM
	 * killer ({@link #OUT_OF_MEMORY}), or {@code null} if neither killed it
	 */
	public WorkerExitEvent(Worker worker, int exitCode, String signal, boolean exitedAfterDisconnect,
			String killedBecause) {
		super(worker);
		this.exitCode = exitCode;
		this.signal = signal;
		this.exitedAfterDisconnect = exitedAfterDisconnect;
		this.killedBecause = killedBecause;
	}

	/**
	 * Return why the worker was killed, when the primary or the kernel killed it: such as
	 * {@code "sent no heartbeat for 30 s"} or {@code "did not start within 120 s"}, or
	 * {@link #OUT_OF_MEMORY} when the kernel's out-of-memory killer ended it (its cgroup, or the
	 * machine, ran out of memory). A {@code kill -9} from elsewhere has no reason.
	 * @return the reason
	 */
	public Optional<String> getKilledBecause() {
		return Optional.ofNullable(this.killedBecause);
	}

	/**
	 * Return whether the kernel's out-of-memory killer ended the worker: its exit is a
	 * SIGKILL, told apart from a {@code kill -9} by the memory cgroup's count of OOM kills.
	 * @return whether the worker was killed for memory
	 */
	public boolean isOutOfMemory() {
		return OUT_OF_MEMORY.equals(this.killedBecause);
	}

	/**
	 * Return the exit code as the JDK reports it; after a signal it is {@code 128 + n}.
	 * @return the exit code
	 */
	public int getExitCode() {
		return this.exitCode;
	}

	/**
	 * Return the signal that ended the process, such as {@code SIGKILL}, when known. It is
	 * inferred from an exit code above 128, so a worker that calls {@code System.exit(137)}
	 * also reports {@code SIGKILL}.
	 * @return the signal
	 */
	public Optional<String> getSignal() {
		return Optional.ofNullable(this.signal);
	}

	/**
	 * Return whether the exit followed a disconnect (planned) rather than a crash or a signal.
	 * @return whether the exit was planned
	 */
	public boolean isExitedAfterDisconnect() {
		return this.exitedAfterDisconnect;
	}

}
