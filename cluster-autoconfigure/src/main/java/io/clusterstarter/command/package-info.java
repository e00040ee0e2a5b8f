/**
 * What a worker is started with: how the primary itself was launched ({@code java -jar}, a
 * class path, a buildpack's launcher), which of its JVM options carry over to a worker and how
 * (per-worker paths and ports), the worker's command line, and the CPUs it may run on.
 */
package io.clusterstarter.command;
