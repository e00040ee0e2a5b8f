/**
 * Auto-configuration and configuration properties for the cluster.
 */
package io.clusterstarter.autoconfigure;
