import type { GitTokenSource } from '../git/run-git';
import type { GitHubClient } from './octokit';

/** Options of {@link installationTokenSource}. */
export interface InstallationTokenOptions {
  /** The App's id, for messages. */
  readonly appId: number | string;
  /** The installation the client acts as, for messages. */
  readonly installationId: number;
  /** A token expiring sooner than this is replaced by a new one. @default 300 */
  readonly refreshBeforeSeconds?: number;
  /** The clock, ms since the epoch. @default Date.now */
  readonly now?: () => number;
}

/** A token source that could not get a token: one line saying what to do; never contains a credential. */
export class InstallationTokenError extends Error {
  constructor(
    message: string,
    /** `credentials` (key, App or installation wrong: fix the setup) or `unreachable` (try again). */
    readonly kind: 'credentials' | 'unreachable',
  ) {
    super(message);
    this.name = 'InstallationTokenError';
  }
}

/**
 * Installation access tokens for git over HTTPS, from a client built with the App's credentials
 * (`@octokit/auth-app`, which caches them). GitHub's tokens live one hour; a cached token that
 * expires within `refreshBeforeSeconds` is replaced by a new one, so a long git command never
 * starts with a token about to lapse.
 */
export function installationTokenSource(client: GitHubClient, options: InstallationTokenOptions): GitTokenSource {
  const now = options.now ?? Date.now;
  const margin = (options.refreshBeforeSeconds ?? 300) * 1000;
  const mint = async (refresh: boolean) => {
    try {
      return (await client.auth({ type: 'installation', ...(refresh ? { refresh: true } : {}) })) as { token: string; expiresAt?: string };
    } catch (error) {
      throw describeTokenFailure(error, options);
    }
  };
  return {
    async token() {
      let auth = await mint(false);
      if (!auth.expiresAt || Date.parse(auth.expiresAt) - now() < margin) auth = await mint(true);
      return auth.token;
    },
  };
}

/** What a failed `POST /app/installations/{id}/access_tokens` (or signing its JWT) means. Exported for tests. */
export function describeTokenFailure(error: unknown, options: { readonly appId?: number | string; readonly installationId?: number }): InstallationTokenError {
  const status = (error as { status?: number }).status;
  const app = options.appId === undefined ? 'GitHub App' : `GitHub App ${options.appId}`;
  const installation = options.installationId === undefined ? 'the installation' : `installation ${options.installationId}`;
  if (status === 401)
    return new InstallationTokenError(
      `${app}: GitHub refused the App's signed token (HTTP 401): the private key is wrong or was revoked, or the App id is not the key's App — generate a new key on the App's settings page and update the Secret`,
      'credentials',
    );
  if (status === 404)
    return new InstallationTokenError(
      `${app}: ${installation} not found (HTTP 404): install the App on the config repository, or fix the installation id`,
      'credentials',
    );
  if (status === 403 || status === 422)
    return new InstallationTokenError(
      `${app}: GitHub refused a token for ${installation} (HTTP ${status}): the installation is suspended or lacks the requested permissions`,
      'credentials',
    );
  if (status === undefined && /key|pem|asn1|decoder|sign/i.test((error as Error)?.message ?? '')) {
    return new InstallationTokenError(
      `${app}: cannot sign with the private key: it is not a PEM RSA private key (use the .pem file GitHub generated)`,
      'credentials',
    );
  }
  return new InstallationTokenError(
    `${app}: cannot get an installation token${status ? ` (HTTP ${status})` : ''}: GitHub is unreachable or failing; will try again`,
    'unreachable',
  );
}
