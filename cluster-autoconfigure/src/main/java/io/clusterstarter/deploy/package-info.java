/**
 * Releases and deploys: what an application artifact is (its version, its application, the Java
 * and IPC protocol it needs), the checks a new one passes before any worker is touched, and where
 * the cluster endpoint may deploy from.
 */
package io.clusterstarter.deploy;
