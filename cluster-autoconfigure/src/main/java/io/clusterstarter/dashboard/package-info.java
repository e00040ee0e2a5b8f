/**
 * The cluster's dashboard: a page served by the workers under the management path, with the
 * figures the primary keeps, and its actions through the cluster endpoint.
 */
package io.clusterstarter.dashboard;
