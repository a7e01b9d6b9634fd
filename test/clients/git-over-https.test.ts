import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigCheckout } from '../../clients/git/config-checkout';
import { ConfigRepo } from '../../clients/git/config-repo';
import { GitCommandError, describeGitFailure, gitRemoteEnv, staticGitToken } from '../../clients/git/run-git';
import { InstallationTokenError, installationTokenSource } from '../../clients/github/installation-token';
import { createGitHubClient } from '../../clients/github/octokit';
import { FakeGitHub } from '../support/fake-github';
import { GitHttpServer, type GitAuthDecision } from '../support/git-http-server';
import { filesContaining } from '../support/token-scan';

const identity = { name: 'Phoenix', email: 'phoenix@example.invalid' };
const WRITE_TOKEN = 'ghs_write0123456789abcdefWRITE';
const READ_TOKEN = 'ghs_read0123456789abcdefREAD';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@example.invalid', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@example.invalid' },
  }).trim();
}

/** A bare repo `acme/config.git` under `root`, seeded with one commit on main. */
function seedRemote(root: string): string {
  const bare = path.join(root, 'acme', 'config.git');
  mkdirSync(path.dirname(bare), { recursive: true });
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  const seed = path.join(root, 'seed');
  git(root, 'clone', '--quiet', bare, seed);
  writeFileSync(path.join(seed, 'state.yaml'), 'version: 1\n');
  git(seed, 'add', '.');
  git(seed, 'commit', '--quiet', '-m', 'init');
  git(seed, 'push', '--quiet', 'origin', 'HEAD:main');
  return bare;
}

describe('git over HTTPS with a token in the environment (real git http-backend)', () => {
  let root: string;
  let bare: string;
  let server: GitHttpServer;
  let accepted: Map<string, 'read' | 'write'>;

  beforeEach(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'phoenix-git-https-'));
    bare = seedRemote(root);
    accepted = new Map([
      [WRITE_TOKEN, 'write'],
      [READ_TOKEN, 'read'],
    ]);
    server = await GitHttpServer.start({
      root,
      authorize: (token, service): GitAuthDecision => {
        const right = token === undefined ? undefined : accepted.get(token);
        if (!right) return 'unauthorized';
        return service === 'receive-pack' && right !== 'write' ? 'forbidden' : 'ok';
      },
    });
  });

  afterEach(async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('clones, fetches and pushes with the token, and leaves it in no file of the clone', async () => {
    // WHEN the watcher's proposal clone works through the authenticating server
    const work = path.join(root, 'work');
    const repo = await ConfigRepo.open(work, server.url('acme/config'), { tokens: staticGitToken(WRITE_TOKEN) });
    await repo.checkoutFresh('phoenix/promote/x/dev');
    writeFileSync(path.join(work, 'state.yaml'), 'version: 1\nphase: promoted\n');
    const sha = await repo.commit(['state.yaml'], 'promote x', identity);
    expect(await repo.push('phoenix/promote/x/dev', undefined)).toBe('pushed');
    await repo.fetch();
    // THEN the branch arrived, every request carried the token, and no file (.git included) holds it
    expect(git(bare, 'rev-parse', 'refs/heads/phoenix/promote/x/dev')).toBe(sha);
    expect(server.requests.map((r) => r.decision)).not.toContain('unauthorized');
    expect(server.requests.some((r) => r.service === 'receive-pack')).toBe(true);
    expect(filesContaining(work, WRITE_TOKEN)).toEqual([]);
    expect(readFileSync(path.join(work, '.git', 'config'), 'utf8')).not.toMatch(/extraheader|authorization|x-access-token/i);
    // AND the watcher's read-only checkout works the same way
    const checkout = await ConfigCheckout.sync(server.url('acme/config'), 'main', path.join(root, 'checkout'), staticGitToken(READ_TOKEN));
    expect(checkout.head).toBe(git(bare, 'rev-parse', 'main'));
    expect(filesContaining(path.join(root, 'checkout'), READ_TOKEN)).toEqual([]);
  });

  it('fails with one clear line and no token when the token is refused, missing or read-only', async () => {
    // a refused (revoked) token
    const refused = await ConfigRepo.open(path.join(root, 'a'), server.url('acme/config'), { tokens: staticGitToken('ghs_revoked_0123456789') }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(GitCommandError);
    expect((refused as GitCommandError).kind).toBe('unauthorized');
    expect((refused as Error).message).toMatch(/refused the credentials \(HTTP 401\)/);
    expect((refused as Error).message).not.toContain('ghs_revoked_0123456789');
    expect((refused as Error).message.split('\n')).toHaveLength(1);
    // no token at all: git does not prompt, it fails at once
    const missing = await ConfigCheckout.sync(server.url('acme/config'), 'main', path.join(root, 'b')).catch((e: unknown) => e);
    expect((missing as Error).message).toMatch(/refused the credentials/);
    // a token that may read but not push
    const work = path.join(root, 'c');
    const repo = await ConfigRepo.open(work, server.url('acme/config'), { tokens: staticGitToken(READ_TOKEN) });
    await repo.checkoutFresh('phoenix/promote/x/dev');
    writeFileSync(path.join(work, 'state.yaml'), 'changed\n');
    await repo.commit(['state.yaml'], 'x', identity);
    const forbidden = await repo.push('phoenix/promote/x/dev', undefined).catch((e: unknown) => e);
    expect((forbidden as GitCommandError).kind).toBe('forbidden');
    expect((forbidden as Error).message).toMatch(/may read but not push \(HTTP 403\).*Contents: read and write/);
    expect((forbidden as Error).message).not.toContain(READ_TOKEN);
  });

  it('reports a protected branch as such, not as a moved branch to retry', async () => {
    // GIVEN the remote declines pushes to phoenix/* the way GitHub's branch protection does
    const hook = path.join(bare, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "error: GH006: Protected branch update failed for refs/heads/phoenix/promote/x/dev." >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const work = path.join(root, 'work');
    const repo = await ConfigRepo.open(work, server.url('acme/config'), { tokens: staticGitToken(WRITE_TOKEN) });
    await repo.checkoutFresh('phoenix/promote/x/dev');
    writeFileSync(path.join(work, 'state.yaml'), 'changed\n');
    await repo.commit(['state.yaml'], 'x', identity);
    const error = await repo.push('phoenix/promote/x/dev', undefined).catch((e: unknown) => e);
    expect((error as GitCommandError).kind).toBe('protected');
    expect((error as Error).message).toMatch(/branch is protected.*exempt Phoenix's branches/);
  });

  it('scopes the header to the remote and drops inherited tracing and config variables', () => {
    const env = gitRemoteEnv('https://github.com/acme/config.git', 'tok', {
      PATH: '/bin',
      GIT_TRACE_CURL: '1',
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'core.sshCommand',
      GIT_CONFIG_VALUE_0: 'evil',
    });
    expect(env.GIT_TRACE_CURL).toBeUndefined();
    expect(env.GIT_CONFIG_COUNT).toBe('2');
    expect(env.GIT_CONFIG_KEY_0).toBe('credential.helper');
    expect(env.GIT_CONFIG_KEY_1).toBe('http.https://github.com/acme/config.git.extraHeader');
    expect(env.GIT_CONFIG_VALUE_1).toBe(`Authorization: Basic ${Buffer.from('x-access-token:tok').toString('base64')}`);
    expect(env.GIT_TERMINAL_PROMPT).toBe('0');
    expect(gitRemoteEnv('/srv/git/config.git', 'tok', {}).GIT_CONFIG_COUNT).toBe('1');
    expect(describeGitFailure('fetch', 'https://x:secret@github.com/a/b.git', 'fatal: Could not resolve host: github.com').message).not.toContain('secret');
  });
});

describe('installation tokens from @octokit/auth-app', () => {
  let github: FakeGitHub;
  let pem: string;
  const appId = 4242;

  beforeAll(async () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    github = await FakeGitHub.start({ appId, appPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    github.addRepo({ owner: 'acme', name: 'config', installationId: 7 });
  });

  afterAll(async () => {
    github.assertValid();
    await github.stop();
  });

  const client = (key: string, installationId = 7) =>
    createGitHubClient({ auth: { appId, privateKey: key, installationId }, baseUrl: github.baseUrl, throttle: false, retries: 0 });

  it('reuses a token while it is fresh and mints a new one before it expires', async () => {
    // GIVEN a clock we move
    let now = Date.now();
    const source = installationTokenSource(client(pem), { appId, installationId: 7, now: () => now });
    const first = await source.token();
    expect(await source.token()).toBe(first);
    const minted = github.calls('apps/create-installation-access-token').length;
    // WHEN the token is within five minutes of its end (GitHub's tokens live an hour)
    now += 56 * 60_000;
    const second = await source.token();
    // THEN a new one is minted
    expect(second).not.toBe(first);
    expect(github.calls('apps/create-installation-access-token').length).toBe(minted + 1);
  });

  it('names a wrong key and a missing installation in one line each, without secrets', async () => {
    const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const wrongKey = await installationTokenSource(client(other), { appId, installationId: 7 })
      .token()
      .catch((e: unknown) => e);
    expect(wrongKey).toBeInstanceOf(InstallationTokenError);
    expect((wrongKey as InstallationTokenError).kind).toBe('credentials');
    expect((wrongKey as Error).message).toMatch(/HTTP 401.*private key is wrong or was revoked/);
    const notInstalled = await installationTokenSource(client(pem, 99), { appId, installationId: 99 })
      .token()
      .catch((e: unknown) => e);
    expect((notInstalled as Error).message).toMatch(/installation 99 not found \(HTTP 404\): install the App/);
    const garbage = await installationTokenSource(client('not a key'), { appId, installationId: 7 })
      .token()
      .catch((e: unknown) => e);
    expect((garbage as Error).message).toMatch(/not a PEM RSA private key|HTTP 401/);
    for (const error of [wrongKey, notInstalled, garbage]) expect((error as Error).message).not.toContain('PRIVATE KEY');
  });
});
