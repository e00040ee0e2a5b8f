/**
 * The worker image: an executable jar extracted once into Spring Boot's CDS-friendly layout,
 * with a class-data cache made by one training run, so that every worker forked after it
 * starts from loaded, linked classes instead of parsing them again.
 */
package io.clusterstarter.image;
