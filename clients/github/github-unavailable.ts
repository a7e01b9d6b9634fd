/**
 * GitHub did not answer, or answered with a server error: nothing of the operation took effect on
 * Phoenix's side (no branch was pushed) and the same call may simply be repeated later. The
 * watcher tries again next cycle; the CLI exits 3 ("try again").
 */
export class GitHubUnavailableError extends Error {
  /** Repeating the whole operation later is safe. */
  readonly retryable = true;

  constructor(message: string) {
    super(message);
    this.name = 'GitHubUnavailableError';
  }
}

/**
 * True when a GitHub call failed because GitHub could not be reached or had a server error (no
 * HTTP status, a network error, or a 5xx): not a problem of the request or of the credentials.
 */
export function isGitHubUnavailable(error: unknown): boolean {
  const status = (error as { status?: unknown }).status;
  if (typeof status !== 'number') return true;
  if (status >= 500) return true;
  return false;
}

/**
 * Runs a GitHub look-up that must succeed before anything is pushed; an unreachable GitHub becomes
 * a {@link GitHubUnavailableError} naming what was not done. Other failures pass through.
 */
export async function beforePushing<T>(what: string, lookUp: () => Promise<T>): Promise<T> {
  try {
    return await lookUp();
  } catch (error) {
    if (!isGitHubUnavailable(error)) throw error;
    const reason = ((error as Error).message || String(error)).split('\n')[0]!.slice(0, 200);
    throw new GitHubUnavailableError(`GitHub did not answer (${reason}): ${what} was not pushed; try again when GitHub is reachable`);
  }
}
