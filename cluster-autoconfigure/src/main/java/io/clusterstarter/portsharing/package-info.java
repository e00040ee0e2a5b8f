/**
 * Sharing one port between worker JVMs with SO_REUSEPORT, for Tomcat, Jetty and Reactor Netty.
 */
package io.clusterstarter.portsharing;
