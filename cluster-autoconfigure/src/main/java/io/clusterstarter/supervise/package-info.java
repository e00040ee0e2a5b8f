/**
 * The supervision policies the primary's event loop applies to its workers: how many may start
 * at once, what follows a crash in a slot (backoff, or giving the slot up), which worker leads,
 * and when a worker is hung. Each decides; the loop in {@code primary} acts. They see a worker
 * through {@link io.clusterstarter.supervise.SupervisedWorker}.
 */
package io.clusterstarter.supervise;
