/**
 * Operating a running cluster from a terminal: the primary's control socket (a Unix-domain
 * socket only its user may use), where the primary opens it, what each command does to the
 * cluster, and the command line that talks to it, {@code java -Djarmode=cluster -jar app.jar
 * status}. The command line uses the JDK only, so that it answers without starting Spring; the
 * commands reach the cluster through {@link io.clusterstarter.control.ControlledCluster}.
 */
package io.clusterstarter.control;
