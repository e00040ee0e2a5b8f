/**
 * The worker side: its link to the primary and its view of the cluster.
 */
package io.clusterstarter.worker;
