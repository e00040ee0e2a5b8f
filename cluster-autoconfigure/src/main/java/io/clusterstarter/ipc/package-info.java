/**
 * Private channel between the primary and each worker: newline-delimited JSON over a Unix-domain socket.
 */
package io.clusterstarter.ipc;
