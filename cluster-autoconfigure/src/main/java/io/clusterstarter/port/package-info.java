/**
 * The port the cluster serves: the primary's reservation of it and the lock that makes one
 * cluster per port, each embedded server's customizer (Tomcat, Jetty, Reactor Netty) and the
 * readiness gate that keeps a worker from taking connections before it is ready.
 */
package io.clusterstarter.port;
