/**
 * Cluster API after Node.js's cluster module: Cluster, Worker, settings and the primary-side stereotype.
 */
package io.clusterstarter;
