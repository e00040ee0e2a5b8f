/**
 * The port the cluster serves. In the primary: the listening socket it holds as the cluster's one
 * accept queue and passes to the workers as their standard input (the starter's one native call),
 * or, with {@code SO_REUSEPORT}, a bound reservation; and the lock that makes one cluster per
 * port. In a worker: each embedded server's way to accept from the inherited socket, or to bind
 * its own {@code SO_REUSEPORT} listener (Tomcat, Jetty, Reactor Netty), and the gate that lets a
 * worker accept only while it is ready and not leaving.
 */
package io.clusterstarter.port;
