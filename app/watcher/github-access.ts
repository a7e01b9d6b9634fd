import type { Logger } from 'pino';
import { staticGitToken, type GitTokenSource } from '../../clients/git/run-git';
import { installationTokenSource } from '../../clients/github/installation-token';
import { createGitHubClient, type GitHubClient, type GitHubClientOptions } from '../../clients/github/octokit';
import { readCredential, type WatcherConfig } from './config';

/** The watcher's GitHub client and the token its git commands use, built once from the config. */
export interface GitHubAccess {
  readonly client: GitHubClient;
  /** Tokens for git over HTTPS: the App installation's (refreshed before they expire) or the configured token. */
  readonly gitTokens: GitTokenSource;
}

/**
 * Reads the `github` section's credentials (once, never logged) and builds the client and the git
 * token source from them; undefined without a `github` section (git then runs unauthenticated).
 */
export function createGitHubAccess(config: WatcherConfig, log: Logger, clientOptions: Partial<GitHubClientOptions> = {}): GitHubAccess | undefined {
  const github = config.github;
  if (!github) return undefined;
  const logger = { debug: () => undefined, info: (m: string) => log.info(m), warn: (m: string) => log.warn(m), error: (m: string) => log.error(m) };
  if (github.token) {
    const token = readCredential(github.token, 'github.token');
    return { client: createGitHubClient({ baseUrl: github.apiUrl, auth: token, log: logger, ...clientOptions }), gitTokens: staticGitToken(token) };
  }
  const app = github.app!;
  const client = createGitHubClient({
    baseUrl: github.apiUrl,
    auth: { appId: app.appId, privateKey: readCredential(app.privateKey, 'github.app.privateKey'), installationId: app.installationId },
    log: logger,
    ...clientOptions,
  });
  return { client, gitTokens: installationTokenSource(client, { appId: app.appId, installationId: app.installationId }) };
}
