/**
 * Upgrades of the primary itself: the old primary's side ({@link io.clusterstarter.upgrade.PrimaryUpgrade}),
 * which checks the release, starts a new primary that inherits the port, and stops it again if it
 * fails; the new primary's side ({@link io.clusterstarter.upgrade.Successor}); the private channel
 * between them; and the old primary that stays, for a service manager, until the newest one exits
 * ({@link io.clusterstarter.upgrade.ServiceKeeper}: one, however many upgrades follow).
 */
package io.clusterstarter.upgrade;
