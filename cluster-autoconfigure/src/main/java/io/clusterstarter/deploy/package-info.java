/**
 * Releases and deploys: what an application artifact is (its version, its application, the Java
 * and IPC protocol it needs), which release runs in which slot, the checks a new one passes
 * before any worker is touched, the deploy itself with its rollback, where the cluster endpoint
 * may deploy from, and the watch on the launched jar. A deploy reaches the cluster only through
 * {@link io.clusterstarter.deploy.DeployTarget}.
 */
package io.clusterstarter.deploy;
