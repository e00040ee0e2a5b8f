/**
 * What each worker is given of the host and what the host takes back: the memory limit and
 * processors the primary's container allows (cgroup v1 or v2), each worker's share of them,
 * where each worker's heap and processor settings came from (the cluster's share, the user's
 * options, or an options variable a platform set for one JVM), and the kernel's out-of-memory
 * kills.
 */
package io.clusterstarter.resources;
