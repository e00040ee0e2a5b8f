/**
 * The primary: one event loop that forks, supervises, rolls and stops the workers, and the
 * worker record it keeps. The concerns around it live in their own packages and reach it through
 * small interfaces: the supervision policies ({@code supervise}), deploys ({@code deploy}), the
 * control socket ({@code control}) and the meters ({@code observe}).
 */
package io.clusterstarter.primary;
