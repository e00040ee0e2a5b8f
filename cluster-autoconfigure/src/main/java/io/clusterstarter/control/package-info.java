/**
 * Operating a running cluster from a terminal: the primary's control socket (a Unix-domain
 * socket only its user may use) and the command line that talks to it,
 * {@code java -Djarmode=cluster -jar app.jar status}. The command line uses the JDK only, so
 * that it answers without starting Spring.
 */
package io.clusterstarter.control;
