/**
 * Takes over SpringApplication.run and decides each JVM's role.
 */
package io.clusterstarter.launch;
