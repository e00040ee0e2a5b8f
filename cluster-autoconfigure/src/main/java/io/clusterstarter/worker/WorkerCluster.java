package io.clusterstarter.worker;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.clusterstarter.Cluster;
import io.clusterstarter.ClusterSettings;
import io.clusterstarter.CurrentWorker;
import io.clusterstarter.Worker;

/**
 * The {@link Cluster} in a worker, or in an application that runs without clustering. Only the
 * primary forks and supervises; here those operations fail with a clear message.
 *
 * @author cluster-spring-boot-starter
 */
public class WorkerCluster implements Cluster {

	private final WorkerRuntime runtime;

	/**
	 * Create the cluster view.
	 * @param runtime the worker's runtime, or {@code null} when the application is not clustered
	 */
	public WorkerCluster(WorkerRuntime runtime) {
		this.runtime = runtime;
	}

	@Override
	public boolean isPrimary() {
		return false;
	}

	@Override
	public boolean isWorker() {
		return this.runtime != null;
	}

	@Override
	public Map<Integer, Worker> workers() {
		return Map.of();
	}

	@Override
	public Optional<CurrentWorker> worker() {
		return Optional.ofNullable(this.runtime);
	}

	@Override
	public Worker fork(Map<String, String> env) {
		throw primaryOnly("fork");
	}

	@Override
	public void setupPrimary(ClusterSettings settings) {
		throw primaryOnly("setupPrimary");
	}

	@Override
	public ClusterSettings settings() {
		return ClusterSettings.builder().build();
	}

	@Override
	public CompletableFuture<Void> disconnect() {
		throw primaryOnly("disconnect");
	}

	@Override
	public void scale(int workers) {
		throw primaryOnly("scale");
	}

	@Override
	public CompletableFuture<Void> rollingRestart() {
		throw primaryOnly("rollingRestart");
	}

	@Override
	public CompletableFuture<Void> restartWorker(int id) {
		throw primaryOnly("restartWorker");
	}

	@Override
	public CompletableFuture<Void> deploy(java.nio.file.Path artifact) {
		throw primaryOnly("deploy");
	}

	@Override
	public CompletableFuture<Void> upgrade(java.nio.file.Path artifact) {
		throw primaryOnly("upgrade");
	}

	private IllegalStateException primaryOnly(String operation) {
		return new IllegalStateException("Cluster." + operation + "() is available in the primary only; this JVM is "
				+ ((this.runtime != null) ? "worker " + this.runtime.id() : "not clustered"));
	}

}
