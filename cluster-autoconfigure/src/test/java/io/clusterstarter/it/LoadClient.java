package io.clusterstarter.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends GET / to the cluster, one request after another on new connections, from a thread of
 * its own, and keeps what succeeded, what failed and which worker pids answered.
 */
final class LoadClient implements AutoCloseable {

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final AtomicInteger succeeded = new AtomicInteger();

	private final List<String> failures = new CopyOnWriteArrayList<>();

	private final Set<Long> servedBy = ConcurrentHashMap.newKeySet();

	private final Thread thread;

	private LoadClient(int port) {
		this.thread = new Thread(() -> {
			while (this.running.get()) {
				try {
					ClusterProcess.Response response = ClusterProcess.get(port, "/", Duration.ofSeconds(10));
					if (response.status() == 200) {
						this.succeeded.incrementAndGet();
						this.servedBy.add(ClusterProcess.json.readTree(response.body()).get("pid").asLong());
					}
					else {
						this.failures.add(System.currentTimeMillis() + " status " + response.status());
					}
				}
				catch (RuntimeException ex) {
					this.failures.add(System.currentTimeMillis() + " " + ex.getMessage());
				}
			}
		}, "cluster-test-load");
		this.thread.start();
	}

	static LoadClient start(int port) {
		return new LoadClient(port);
	}

	int succeeded() {
		return this.succeeded.get();
	}

	Set<Long> servedBy() {
		return this.servedBy;
	}

	@Override
	public void close() throws InterruptedException {
		this.running.set(false);
		this.thread.join(15_000);
	}

	/**
	 * Assert that no request was lost to the workers. Only the kernel may lose one, by design:
	 * with net.ipv4.tcp_migrate_req=0 it resets a connection still queued on a listener that
	 * closes (rarely: the acceptor keeps the queue short); with 1 it moves it instead.
	 */
	void assertNoneLost() throws IOException {
		String description = "failed requests of " + (this.succeeded.get() + this.failures.size()) + ": "
				+ this.failures;
		if (migratesQueuedConnections()) {
			assertThat(this.failures).as(description).isEmpty();
		}
		else {
			assertThat(this.failures).as(description).allMatch((failure) -> failure.endsWith("Connection reset"));
			assertThat(this.failures.size()).as(description).isLessThanOrEqualTo(2);
		}
	}

	private static boolean migratesQueuedConnections() throws IOException {
		Path sysctl = Path.of("/proc/sys/net/ipv4/tcp_migrate_req");
		return Files.exists(sysctl) && Files.readString(sysctl).trim().equals("1");
	}

}
