import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, exitCodeOf } from '../../app/cli/errors';
import { FakeGitHub } from '../support/fake-github';
import { describeGitHubFailure, GitHubRefusedError, GitHubUnavailableError } from '../../clients/github/github-failure';
import { InstallationTokenError } from '../../clients/github/installation-token';
import { createGitHubClient } from '../../clients/github/octokit';

const CONSEQUENCE = 'branch phoenix/x was not pushed';

/** GitHub's real answers, as the composed client throws them, through the one classifier. */
describe('describeGitHubFailure', () => {
  let github: FakeGitHub;

  beforeAll(async () => {
    github = await FakeGitHub.start();
    github.addRepo({ owner: 'owner', name: 'config' });
  });

  afterAll(async () => {
    await github.stop();
  });

  const client = (baseUrl = github.baseUrl) => createGitHubClient({ auth: 'ghp_test', baseUrl, throttle: false, retries: 0 });
  const list = (repo = 'config', baseUrl?: string) =>
    client(baseUrl)
      .rest.pulls.list({ owner: 'owner', repo })
      .then(
        () => undefined,
        (error: unknown) => describeGitHubFailure(error, CONSEQUENCE),
      );

  it.each([
    [
      401,
      GitHubRefusedError,
      'unauthorized',
      /GitHub refused the credentials \(HTTP 401 Server Error\): the token is wrong, expired or revoked/,
      ExitCode.usage,
    ],
    [403, GitHubRefusedError, 'forbidden', /GitHub refused GET on owner\/config \(HTTP 403 Server Error\): .*"Pull requests: read and write"/, ExitCode.usage],
    [502, GitHubUnavailableError, undefined, /GitHub did not answer \(Server Error\): branch phoenix\/x was not pushed; try again/, ExitCode.unavailable],
  ] as const)('classifies HTTP %i', async (status, type, kind, message, exit) => {
    github.failNext('pulls/list', { status });
    const error = await list();
    expect(error).toBeInstanceOf(type);
    if (kind) expect((error as GitHubRefusedError).kind).toBe(kind);
    expect(error!.message).toMatch(message);
    expect(error!.message).toContain(CONSEQUENCE);
    expect(error!.message).not.toContain('docs.github.com');
    expect(exitCodeOf(error)).toBe(exit);
  });

  it('reads a 404 on a repository as the App not installed on it', async () => {
    const error = await list('missing');
    expect(error).toBeInstanceOf(GitHubRefusedError);
    expect(error!.message).toMatch(
      /GitHub answers 404 for owner\/missing: the GitHub App is not installed on it, or the token cannot see it — install the App on owner\/missing/,
    );
  });

  it('reads a rate limit as "try again", not as missing rights', async () => {
    github.failNext('pulls/list', { status: 403, headers: { 'x-ratelimit-remaining': '0' } });
    expect(await list()).toBeInstanceOf(GitHubUnavailableError);
  });

  it('reads a connection that fails as GitHub not answering', async () => {
    const error = await list('config', 'http://127.0.0.1:1');
    expect(error).toBeInstanceOf(GitHubUnavailableError);
    expect(exitCodeOf(error)).toBe(ExitCode.unavailable);
  });

  it("names the key when the App's token cannot be minted, and passes errors that are not GitHub's through", () => {
    const minted = describeGitHubFailure(
      Object.assign(new Error('A JSON web token could not be decoded'), {
        status: 401,
        request: { url: 'https://api.github.com/app/installations/7/access_tokens' },
      }),
      CONSEQUENCE,
    );
    expect(minted).toBeInstanceOf(InstallationTokenError);
    expect(minted.message).toMatch(/private key is wrong or was revoked/);
    const unsigned = describeGitHubFailure(new Error('error:1E08010C:DECODER routines::unsupported private key'), CONSEQUENCE);
    expect(unsigned).toBeInstanceOf(InstallationTokenError);
    const bug = new TypeError("Cannot read properties of undefined (reading 'number')");
    expect(describeGitHubFailure(bug, CONSEQUENCE)).toBe(bug);
    expect(exitCodeOf(bug)).toBeUndefined();
  });
});
