package io.clusterstarter.primary;

import java.nio.file.Path;
import java.time.Instant;

import io.clusterstarter.command.CpuAffinity;
import io.clusterstarter.port.AcceptQueue;
import io.clusterstarter.resources.WorkerShares;

/**
 * What the primary decided before forking.
 *
 * @param workers the number of workers to fork
 * @param port the shared port for the application's server, or {@code null} without one
 * @param managementPort the shared port for a separate management server, or {@code null}
 * @param acceptQueue how connections on the port reach the workers, or {@code null} without a
 * port
 * @param logFile the application's log file, or {@code null} when it does not log to a file
 * @param shares how the workers share the memory and processors
 * @param affinity the processors to split between slots, or {@code null} to leave placement to
 * the operating system
 * @param jvmStartTime when the primary JVM started, for the start-up summary
 * @param startupConcurrency the most workers that start at the same time
 * @param upgradedFrom the pid of the primary this one took over from in an upgrade, or
 * {@code null}
 * @param inheritedReloadArtifact what a reload re-reads when {@code cluster.deploy.artifact} is
 * not set, as the primary this one took over from re-read it, or {@code null} for the jar this
 * one was launched with
 * @author cluster-spring-boot-starter
 */
public record PrimaryOptions(int workers, Integer port, Integer managementPort, AcceptQueue acceptQueue,
		String logFile, WorkerShares shares,
		CpuAffinity affinity, Instant jvmStartTime, int startupConcurrency, Long upgradedFrom,
		Path inheritedReloadArtifact) {

}
