package io.clusterstarter.it.apps.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.clusterstarter.Cluster;
import io.clusterstarter.CurrentWorker;
import io.clusterstarter.OnOneWorker;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * With {@code cluster-test.one-worker-file}: a scheduled job that must run in one worker only.
 * Each run takes a little while and then appends {@code <worker id> <start ms> <end ms>} to the
 * file, so that a test can tell which worker ran it when, and whether two runs ever overlapped.
 */
@Component
@ConditionalOnProperty("cluster-test.one-worker-file")
class OneWorkerJob {

	private final Cluster cluster;

	private final Path file;

	OneWorkerJob(Cluster cluster, @Value("${cluster-test.one-worker-file}") Path file) {
		this.cluster = cluster;
		this.file = file;
	}

	@Scheduled(fixedDelay = 100)
	@OnOneWorker
	void run() throws IOException, InterruptedException {
		long start = System.currentTimeMillis();
		Thread.sleep(50);
		int id = this.cluster.worker().map(CurrentWorker::id).orElse(0);
		String line = id + " " + start + " " + System.currentTimeMillis() + "\n";
		Files.writeString(this.file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
				StandardOpenOption.APPEND);
	}

}
