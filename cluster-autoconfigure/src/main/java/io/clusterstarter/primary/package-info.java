/**
 * The primary: forks, supervises and stops the workers.
 */
package io.clusterstarter.primary;
