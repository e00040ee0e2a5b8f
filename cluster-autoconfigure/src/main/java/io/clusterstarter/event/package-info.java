/**
 * Cluster lifecycle events, published as Spring application events.
 */
package io.clusterstarter.event;
