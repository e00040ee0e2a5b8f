/**
 * Actuator support for the cluster.
 */
package io.clusterstarter.actuate;
