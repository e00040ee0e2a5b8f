/**
 * What the primary keeps to show the cluster: the counters and gauges behind its meters, the
 * workers' output it relays and keeps for {@code logs}, the merge of the workers' Prometheus
 * scrapes, and the primary's own footprint.
 */
package io.clusterstarter.observe;
