/**
 * What workers run from: each release's private copy of its jar, which no rebuild of the
 * user's file can change, and the worker image, that jar extracted once into Spring Boot's
 * CDS-friendly layout with a class-data cache made by one training run, so that every worker
 * forked after it starts from loaded, linked classes instead of parsing them again.
 */
package io.clusterstarter.image;
