import { describeTokenFailure, InstallationTokenError } from './installation-token';

/**
 * What GitHub's answers mean, in one place: every failed REST call Phoenix makes before or after a
 * push goes through {@link describeGitHubFailure}, which turns it into one line saying what to do and
 * whether trying again later helps. Git's own answers are classified in `clients/git/run-git.ts`.
 *
 * | answer | error | retryable |
 * |---|---|---|
 * | no answer, a 5xx, a rate limit | {@link GitHubUnavailableError} | yes (CLI exit 3) |
 * | 401 | {@link GitHubRefusedError} `unauthorized` | no: fix the token or key (exit 2) |
 * | 403 | {@link GitHubRefusedError} `forbidden` | no: grant the permission (exit 2) |
 * | 404 on a repository | {@link GitHubRefusedError} `not-installed` | no: install the App (exit 2) |
 * | minting an installation token | {@link InstallationTokenError} | when GitHub did not answer |
 */

/**
 * GitHub did not answer, or answered with a server error or a rate limit: the same call may simply
 * be repeated later. The watcher tries again next cycle; the CLI exits 3 ("try again").
 */
export class GitHubUnavailableError extends Error {
  /** Repeating the whole operation later is safe. */
  readonly retryable = true;

  constructor(
    message: string,
    /** The branch was pushed before GitHub failed (opening its pull request): only this proposal is affected. @default false */
    readonly afterPush = false,
  ) {
    super(message);
    this.name = 'GitHubUnavailableError';
  }
}

/** Why GitHub refused a call whose credentials or rights are wrong. */
export type GitHubRefusalKind = 'unauthorized' | 'forbidden' | 'not-installed';

/**
 * GitHub refused the call: the token or key is wrong or revoked (401), lacks a permission (403), or
 * cannot see the repository (404: the App is not installed on it). Trying again changes nothing
 * until the setup is fixed; the watcher reports it once per cycle, the CLI exits 2.
 */
export class GitHubRefusedError extends Error {
  readonly retryable = false;

  constructor(
    message: string,
    readonly kind: GitHubRefusalKind,
  ) {
    super(message);
    this.name = 'GitHubRefusedError';
  }
}

interface RequestErrorLike {
  readonly status?: unknown;
  readonly message?: unknown;
  readonly request?: { readonly url?: string; readonly method?: string };
  readonly response?: { readonly headers?: Record<string, string | undefined> };
}

/**
 * True when a GitHub call failed because GitHub could not be reached, had a server error, or rate
 * limited the caller: not a problem of the request or of the credentials.
 */
export function isGitHubUnavailable(error: unknown): boolean {
  return describeGitHubFailure(error, 'nothing') instanceof GitHubUnavailableError;
}

/**
 * One line for a failed GitHub call, saying what to do; `consequence` says what did not happen
 * (`branch phoenix/… was not pushed`). Errors that are not GitHub's answer (a bug, a 422 a caller
 * handles) are returned unchanged.
 */
export function describeGitHubFailure(error: unknown, consequence: string): Error {
  if (error instanceof GitHubUnavailableError || error instanceof GitHubRefusedError || error instanceof InstallationTokenError) return error;
  const e = (error ?? {}) as RequestErrorLike;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const message = typeof e.message === 'string' ? e.message : String(error);
  const url = e.request?.url ?? '';
  // The App's installation token is minted inside the client's auth hook: its failures name the key or installation.
  const installation = /\/app\/installations\/(\d+)\/access_tokens/.exec(url);
  if (installation || (status === undefined && /private key|pem|asn1|decoder|\bsign/i.test(message))) {
    return describeTokenFailure(error, { installationId: installation ? Number(installation[1]) : undefined });
  }
  const reason = message
    .split('\n')[0]!
    .replace(/\s+-\s+https?:\/\/\S+$/, '')
    .slice(0, 200);
  const rateLimited = e.response?.headers?.['x-ratelimit-remaining'] === '0' || /rate limit/i.test(message);
  // Octokit answers a failed fetch with status 500; an error without status is GitHub's only when it reads like the network's.
  const network = status === undefined && /fetch failed|ECONN|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|socket|network|aborted|timed? ?out/i.test(message);
  if (status === undefined && !network) return error instanceof Error ? error : new Error(message);
  if (status === undefined || status >= 500 || ((status === 403 || status === 429) && rateLimited)) {
    return new GitHubUnavailableError(`GitHub did not answer (${reason}): ${consequence}; try again when GitHub is reachable`);
  }
  const repository = /\/repos\/([^/]+\/[^/?]+)/.exec(url)?.[1] ?? 'the config repository';
  if (status === 401) {
    return new GitHubRefusedError(
      `GitHub refused the credentials (HTTP 401 ${reason}): the token is wrong, expired or revoked — set a valid token, or check the GitHub App's id and private key; ${consequence}`,
      'unauthorized',
    );
  }
  if (status === 403) {
    return new GitHubRefusedError(
      `GitHub refused ${e.request?.method ?? 'the call'} on ${repository} (HTTP 403 ${reason}): the token or GitHub App lacks a permission — give it "Pull requests: read and write" and "Contents: read and write" on ${repository}; ${consequence}`,
      'forbidden',
    );
  }
  if (status === 404 && /\/repos\//.test(url)) {
    return new GitHubRefusedError(
      `GitHub answers 404 for ${repository}: the GitHub App is not installed on it, or the token cannot see it — install the App on ${repository} (or fix the repository name); ${consequence}`,
      'not-installed',
    );
  }
  return error instanceof Error ? error : new Error(message);
}

/**
 * Runs a GitHub look-up that must succeed before anything is pushed; its failure becomes the
 * classified error of {@link describeGitHubFailure}, saying that `what` was not pushed.
 */
export async function beforePushing<T>(what: string, lookUp: () => Promise<T>): Promise<T> {
  try {
    return await lookUp();
  } catch (error) {
    throw describeGitHubFailure(error, `${what} was not pushed`);
  }
}
