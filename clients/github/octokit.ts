import { createAppAuth } from '@octokit/auth-app';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { isSafeToRepeat } from './is-safe-to-repeat';

/**
 * The one place Phoenix composes its GitHub client: Octokit's REST client with throttling (GitHub's
 * primary and secondary rate limits) and retry (transient 5xx). Everything else receives a
 * `GitHubClient` instance. Creating requests (POST) are never retried blindly — see
 * `is-safe-to-repeat.ts`: callers look the object up again instead.
 */
export const PhoenixOctokit = Octokit.plugin(throttling, retry);

/** The client type every GitHub-facing module accepts. */
export type GitHubClient = InstanceType<typeof PhoenixOctokit>;

/** Credentials of a GitHub App installation. */
export interface GitHubAppCredentials {
  readonly appId: number | string;
  /** PEM private key of the app. */
  readonly privateKey: string;
  /** Installation to act as; omit to call app-level endpoints with the app's JWT. @default - app JWT */
  readonly installationId?: number;
}

/** Minimal logger (pino-compatible); credentials are never passed to it. */
export interface GitHubClientLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Options of `createGitHubClient`. */
export interface GitHubClientOptions {
  /** A token (PAT or installation token) or GitHub App credentials. @default - unauthenticated */
  readonly auth?: string | GitHubAppCredentials;
  /** REST API base URL (GitHub Enterprise, or a test fake). @default 'https://api.github.com' */
  readonly baseUrl?: string;
  /** The fetch implementation (tests inject one). @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Retries of requests that are safe to repeat, on 5xx and network errors. @default 3 */
  readonly retries?: number;
  /** Base delay of retries in ms (squared back-off). @default 1000 */
  readonly retryAfterBaseValueMs?: number;
  /** Rate-limit throttling; turn off in tests that are not about it. @default true */
  readonly throttle?: boolean;
  /** How often a rate-limited request is retried after waiting. @default 2 */
  readonly rateLimitRetries?: number;
  /** @default - silent */
  readonly log?: GitHubClientLogger;
  /** @default 'phoenix-metrics' */
  readonly userAgent?: string;
}

const silent: GitHubClientLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Builds the composed client; see the module doc for what it retries. */
export function createGitHubClient(options: GitHubClientOptions = {}): GitHubClient {
  const log = options.log ?? silent;
  const rateLimitRetries = options.rateLimitRetries ?? 2;
  const onLimit = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    const retrying = retryCount < rateLimitRetries;
    log.warn(`GitHub ${kind} rate limit on ${request.method} ${request.url}: ${retrying ? `retrying in ${retryAfter} s` : 'giving up'}`);
    return retrying;
  };
  const auth = options.auth;
  const octokit = new PhoenixOctokit({
    baseUrl: options.baseUrl,
    userAgent: options.userAgent ?? 'phoenix-metrics',
    request: options.fetch ? { fetch: options.fetch } : undefined,
    log,
    ...(typeof auth === 'object'
      ? {
          authStrategy: createAppAuth,
          auth: { appId: auth.appId, privateKey: auth.privateKey, ...(auth.installationId !== undefined ? { installationId: auth.installationId } : {}) },
        }
      : { auth }),
    retry: { retries: options.retries ?? 3, retryAfterBaseValue: options.retryAfterBaseValueMs ?? 1000 },
    throttle: options.throttle === false ? { enabled: false } : { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
  });
  // Registered after the retry plugin, so it runs first and can switch retries off per request.
  octokit.hook.before('request', (request) => {
    if (!isSafeToRepeat(request.method, request.url)) request.request = { ...(request.request ?? {}), retries: 0 };
  });
  return octokit;
}
