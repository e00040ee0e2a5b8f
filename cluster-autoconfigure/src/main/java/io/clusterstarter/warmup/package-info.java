/**
 * A worker's warm-up ({@code cluster.warmup}): before a worker that starts while the cluster
 * serves takes connections, it sends the configured requests to itself through its own web
 * server, on a private loopback listener that the shared port never sees, and leaves them out of
 * its request metrics. One listener per embedded server (Tomcat, Jetty, Reactor Netty), the
 * client that sends the rounds and reports progress, and the test that tells a warm-up request
 * from a user's.
 */
package io.clusterstarter.warmup;
