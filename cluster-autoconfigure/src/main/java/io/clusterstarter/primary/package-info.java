/**
 * The primary: forks, supervises and stops the workers. One event loop owns the workers; the
 * concerns around it live in their own packages and reach it through small interfaces: deploys
 * ({@code deploy}), the control socket ({@code control}) and the meters ({@code observe}).
 */
package io.clusterstarter.primary;
