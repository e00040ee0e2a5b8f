package io.clusterstarter.warmup;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.clusterstarter.ClusterSnapshot;
import io.clusterstarter.autoconfigure.ClusterProperties;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Sends the warm-up's rounds of requests to a loopback port: {@code cluster.warmup.iterations}
 * rounds, or rounds for {@code cluster.warmup.duration}, from {@code concurrency} threads that
 * each keep a connection alive, as users' clients do. A request fails on an error status (400
 * and over), an I/O error or its time-out: the first failure of each request is logged, and the
 * rounds go on. The whole is bounded by {@code cluster.warmup.timeout}: at that time the rounds
 * end, even with requests still in flight, whose threads are left to finish on their own.
 *
 * @author cluster-spring-boot-starter
 */
final class WarmupRounds {

	private static final Log logger = LogFactory.getLog(WarmupRounds.class);

	private static final Duration REPORT_INTERVAL = Duration.ofSeconds(1);

	private final ClusterProperties.Warmup properties;

	private final List<HttpRequest> requests;

	private final HttpClient client;

	private final AtomicLong next = new AtomicLong();

	private final AtomicLong sent = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final Set<Integer> failuresLogged = ConcurrentHashMap.newKeySet();

	private volatile boolean stopped;

	WarmupRounds(ClusterProperties.Warmup properties, int port) {
		this.properties = properties;
		this.requests = properties.getRequests().stream().map((request) -> request(request, port)).toList();
		this.client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(properties.getRequestTimeout())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	private HttpRequest request(ClusterProperties.WarmupRequest request, int port) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + request.getPath()))
			.timeout(this.properties.getRequestTimeout())
			.method(request.getMethod(), (request.getBody() != null) ? HttpRequest.BodyPublishers.ofString(request.getBody())
					: HttpRequest.BodyPublishers.noBody());
		for (Map.Entry<String, String> header : request.getHeaders().entrySet()) {
			builder.header(header.getKey(), header.getValue());
		}
		return builder.build();
	}

	/**
	 * Send the rounds, reporting progress about once a second.
	 * @param progress told where the warm-up is, last with its end
	 * @return the warm-up as it ended
	 * @throws InterruptedException if the calling thread is interrupted
	 */
	ClusterSnapshot.Warmup run(Consumer<ClusterSnapshot.Warmup> progress) throws InterruptedException {
		long start = System.nanoTime();
		Duration duration = this.properties.getDuration();
		long total = (duration != null) ? Long.MAX_VALUE : (long) this.properties.getIterations() * this.requests.size();
		long end = start + ((duration != null) ? duration : this.properties.getTimeout()).toNanos();
		long timeout = start + this.properties.getTimeout().toNanos();
		int threads = this.properties.getConcurrency();
		CountDownLatch done = new CountDownLatch(threads);
		for (int i = 0; i < threads; i++) {
			Thread thread = new Thread(() -> {
				try {
					send(total, end);
				}
				finally {
					done.countDown();
				}
			}, "cluster-warmup-" + (i + 1));
			thread.setDaemon(true);
			thread.start();
		}
		while (true) {
			long now = System.nanoTime();
			boolean finished = done.await(Math.min(REPORT_INTERVAL.toNanos(), Math.max(0, timeout - now)),
					TimeUnit.NANOSECONDS);
			now = System.nanoTime();
			long millis = TimeUnit.NANOSECONDS.toMillis(now - start);
			double fraction = (duration != null) ? Math.min(1, (double) (now - start) / duration.toNanos())
					: Math.min(1, (double) this.sent.get() / total);
			if (finished) {
				ClusterSnapshot.Warmup completed = snapshot(ClusterSnapshot.Warmup.COMPLETED, 1, millis);
				progress.accept(completed);
				return completed;
			}
			if (now - timeout >= 0) {
				this.stopped = true;
				ClusterSnapshot.Warmup timedOut = snapshot(ClusterSnapshot.Warmup.TIMED_OUT, fraction, millis);
				progress.accept(timedOut);
				return timedOut;
			}
			progress.accept(snapshot(ClusterSnapshot.Warmup.RUNNING, fraction, millis));
		}
	}

	private ClusterSnapshot.Warmup snapshot(String state, double fraction, long millis) {
		return new ClusterSnapshot.Warmup(state, this.sent.get(), this.failed.get(),
				Math.round(fraction * 1000) / 1000.0, millis);
	}

	private void send(long total, long end) {
		while (!this.stopped && System.nanoTime() - end < 0) {
			long index = this.next.getAndIncrement();
			if (index >= total) {
				return;
			}
			int which = (int) (index % this.requests.size());
			String failure = send(this.requests.get(which));
			if (this.stopped) {
				return; // ended by the time-out while in flight: neither counted nor logged
			}
			this.sent.incrementAndGet();
			if (failure != null) {
				this.failed.incrementAndGet();
				if (this.failuresLogged.add(which)) {
					logger.warn("Warm-up request " + this.properties.getRequests().get(which) + " failed: " + failure
							+ "; the warm-up goes on (logged once per request)");
				}
			}
		}
	}

	/**
	 * Send one request and read its answer whole.
	 * @return why it failed, or {@code null}
	 */
	private String send(HttpRequest request) {
		try {
			HttpResponse<Void> response = this.client.send(request, HttpResponse.BodyHandlers.discarding());
			return (response.statusCode() >= 400) ? "status " + response.statusCode() : null;
		}
		catch (IOException ex) {
			return ex.getClass().getSimpleName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
		}
		catch (IllegalArgumentException ex) {
			return ex.getMessage();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.stopped = true;
			return "interrupted";
		}
	}

}
