import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../app/cli/program';
import { git } from '../support/git';
import { FakeGitHub, seedConfigRepo, syncBranchesToGitHub, usePersonGitIdentity } from '../support/fake-github';
import { GitHttpServer, type GitAuthDecision } from '../support/git-http-server';

const WRITER = 'ghp_writer0123456789abcdefWRITER';
const READER = 'ghp_reader0123456789abcdefREADER';
/** A token git accepts but GitHub's API no longer does (revoked between the two). */
const REVOKED_FOR_API = 'ghs_revokedApi0123456789abcdef';
const BRANCH = 'phoenix/abort/drop-pod-labels/dev';

/**
 * `phoenix experiment abort` as a person meets a wrong setup: a refused token, a token GitHub's API
 * refuses, a repository the App is not installed on, a token without push rights, a protected
 * branch. Each is one line naming the cause and what to do, exit 2 (trying again would not help),
 * never "a bug", and no pull request; only an unreachable GitHub or remote exits 3.
 */
describe('phoenix experiment abort with bad credentials or rights', () => {
  let root: string;
  let bare: string;
  let server: GitHttpServer;
  let github: FakeGitHub;
  const saved = { ...process.env };
  let stderr = '';
  let stdout = '';

  beforeEach(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'phoenix-exp-bad-'));
    usePersonGitIdentity(root);
    ({ remote: bare } = seedConfigRepo(root, { remote: path.join(root, 'repos', 'acme', 'config.git') }));
    server = await GitHttpServer.start({
      root: path.join(root, 'repos'),
      authorize: (token, service): GitAuthDecision => {
        if (token === WRITER || token === REVOKED_FOR_API) return 'ok';
        if (token === READER) return service === 'receive-pack' ? 'forbidden' : 'ok';
        return 'unauthorized';
      },
      afterPush: () => syncBranchesToGitHub(github, 'acme/config', bare),
    });
    github = await FakeGitHub.start();
    github.addRepo({ owner: 'acme', name: 'config' });
    stderr = '';
    stdout = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    process.env = { ...saved };
    github.assertValid();
    await github.stop();
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  async function abort(token: string, repo = 'acme/config'): Promise<number> {
    process.env.GITHUB_TOKEN = token;
    delete process.env.PHOENIX_GITHUB_TOKEN;
    return runCli([
      'experiment',
      'abort',
      'drop-pod-labels',
      '--env',
      'dev',
      '--remote',
      server.url('acme/config'),
      '--repo',
      repo,
      '--github-url',
      github.baseUrl,
    ]);
  }

  /** The one error line, checked for what every case shares. */
  function errorLine(token: string): string {
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^phoenix: error: /);
    expect(stderr).not.toMatch(/looks like a bug|did not answer|try again/);
    expect(stderr).not.toContain(token);
    expect(stdout).toBe('');
    expect(git(bare, 'branch', '--list', 'phoenix/*')).toBe('');
    expect(github.calls('pulls/create')).toHaveLength(0);
    return lines[0]!;
  }

  const pushAttempts = () => server.requests.filter((r) => r.service === 'receive-pack' && r.method === 'GET').length;

  it('a refused token: exit 2, the remote refused the credentials', async () => {
    expect(await abort('ghp_revoked0123456789abcdef')).toBe(2);
    expect(errorLine('ghp_revoked0123456789abcdef')).toMatch(
      /the remote refused the credentials \(HTTP 401\): check the GitHub App id, private key and installation, or the token/,
    );
    expect(server.requests).toHaveLength(1);
  });

  it("a token GitHub's API refuses: exit 2, nothing pushed", async () => {
    expect(await abort(REVOKED_FOR_API)).toBe(2);
    expect(errorLine(REVOKED_FOR_API)).toMatch(
      /GitHub refused the credentials \(HTTP 401 Bad credentials\): the token is wrong, expired or revoked .*branch phoenix\/abort\/drop-pod-labels\/dev was not pushed/,
    );
    expect(pushAttempts()).toBe(0);
    expect(github.calls('pulls/list')).toHaveLength(1);
  });

  it('a repository GitHub does not show the token (the App not installed): exit 2, nothing pushed', async () => {
    expect(await abort(WRITER, 'acme/not-installed')).toBe(2);
    expect(errorLine(WRITER)).toMatch(
      /GitHub answers 404 for acme\/not-installed: the GitHub App is not installed on it, or the token cannot see it — install the App on acme\/not-installed/,
    );
    expect(pushAttempts()).toBe(0);
  });

  it('a token without push rights: exit 2 after one push attempt, naming the permission', async () => {
    expect(await abort(READER)).toBe(2);
    expect(errorLine(READER)).toMatch(/the token may read but not push \(HTTP 403\): give the GitHub App "Contents: read and write"/);
    expect(pushAttempts()).toBe(1);
  });

  it('a protected branch: exit 2 after one push, naming the protection', async () => {
    const hook = path.join(bare, 'hooks', 'pre-receive');
    writeFileSync(hook, `#!/bin/sh\necho "error: GH006: Protected branch update failed for refs/heads/${BRANCH}." >&2\nexit 1\n`);
    chmodSync(hook, 0o755);
    expect(await abort(WRITER)).toBe(2);
    expect(errorLine(WRITER)).toMatch(
      /the branch is protected on the remote \(a rule or hook declined the push\): exempt Phoenix's branches \(phoenix\/\*\) from branch protection/,
    );
    expect(pushAttempts()).toBe(1);
  });

  it('the same setup with the right token opens the pull request (the cases above fail for their cause only)', async () => {
    expect(await abort(WRITER)).toBe(0);
    expect(stderr).toBe('');
    expect(git(bare, 'branch', '--list', 'phoenix/*')).toContain(BRANCH);
    expect(github.calls('pulls/create')).toHaveLength(1);
  });

  it('an unreachable remote: exit 3, try again', async () => {
    process.env.GITHUB_TOKEN = WRITER;
    const code = await runCli([
      'experiment',
      'abort',
      'drop-pod-labels',
      '--env',
      'dev',
      '--remote',
      'http://127.0.0.1:1/acme/config.git',
      '--repo',
      'acme/config',
      '--github-url',
      github.baseUrl,
    ]);
    expect(code).toBe(3);
    expect(stderr).toMatch(/the remote cannot be reached/);
    expect(stderr).not.toMatch(/looks like a bug/);
  });
});
