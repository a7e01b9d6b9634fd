import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWatcher, createWatcherLog } from '../../app/cli/commands/watch';
import { loadWatcherConfig } from '../../app/watcher/config';
import { parseExperimentState } from '../../constructs/experiment/state';
import { FakeGitHub } from '../support/fake-github';
import type { FakeKubeApi } from '../support/fake-kube-api';
import { GitHttpServer } from '../support/git-http-server';
import { startPrometheus, type TestPrometheus } from '../support/prometheus';
import { mirrorBranches } from '../support/seed-config-repo';
import { filesContaining, occurrences } from '../support/token-scan';
import { createWatcherRepo, git } from '../support/watcher-repo';
import { buildScenarioSet, type ScenarioSet } from '../support/watcher-scenarios';
import { startFluxApi, writeWatcherConfig } from '../support/watcher-setup';

const APP_ID = 4242;
const INSTALLATION = 7;
const BRANCH = 'phoenix/promote/win/dev';

/**
 * Propose mode as deployed: a GitHub App (key on disk, installation tokens minted by the GitHub
 * fake), the config repository behind a real `git http-backend` that demands those tokens, a real
 * Prometheus with a candidate that clearly wins, Flux status from the Kubernetes API (fake).
 */
describe('phoenix watch in propose mode, over an authenticating git server and GitHub App tokens', { timeout: 180_000 }, () => {
  let root: string;
  let set: ScenarioSet;
  let prometheus: TestPrometheus;
  let kube: FakeKubeApi;
  let github: FakeGitHub;
  let server: GitHttpServer;
  let bare: string;
  let configFile: string;
  const logLines: string[] = [];
  const apiBodies: string[] = [];
  const issued = () => [...github.state.tokens.keys()];

  const watcher = (options: { dryRun?: boolean } = {}) => {
    const log = createWatcherLog('debug', { write: (line: string) => void logLines.push(line) });
    return createWatcher(loadWatcherConfig(configFile), { mode: 'propose', log, now: () => set.now, ...options });
  };
  const pushes = () => server.requests.filter((r) => r.service === 'receive-pack' && r.method === 'POST' && r.decision === 'ok').length;
  const remoteBranch = () => {
    try {
      return git(bare, 'rev-parse', '--verify', '--quiet', `refs/heads/${BRANCH}`);
    } catch {
      return undefined;
    }
  };

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'phoenix-propose-https-'));
    set = buildScenarioSet({ win: 'clear-win' });
    prometheus = await startPrometheus({ openMetrics: set.openMetrics() });
    const repo = createWatcherRepo(set, prometheus.url);
    // the config repository, served at <server>/acme/config.git
    bare = path.join(root, 'repos', 'acme', 'config.git');
    mkdirSync(path.dirname(bare), { recursive: true });
    execFileSync('git', ['clone', '--quiet', '--bare', repo.remote, bare]);
    rmSync(repo.scratch, { recursive: true, force: true });
    const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    github = await FakeGitHub.start({ appId: APP_ID, appPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
    github.addRepo({ owner: 'acme', name: 'config', installationId: INSTALLATION });
    github.setRef('acme/config', 'heads/main', git(bare, 'rev-parse', 'main'));
    // git accepts exactly the installation tokens GitHub issued, and nothing else
    server = await GitHttpServer.start({
      root: path.join(root, 'repos'),
      authorize: (token) => (token !== undefined && github.state.tokens.has(token) ? 'ok' : 'unauthorized'),
      // GitHub knows a branch as soon as it is pushed
      afterPush: (repository) => mirrorBranches(bare, github, repository),
    });
    const since = set.experiments[0]!.environments.dev!.lifecycle.since!;
    const work = path.join(root, 'watcher');
    mkdirSync(work);
    kube = await startFluxApi(work, { win: `main@sha1:${git(bare, 'rev-parse', 'main')}` }, since);
    writeFileSync(path.join(work, 'app.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
    configFile = writeWatcherConfig(path.join(work, 'watcher.yaml'), {
      url: server.url('acme/config'),
      settings: [
        'mode: propose',
        'intervalSeconds: 60',
        'server: { host: 127.0.0.1, port: 0 }',
        'prometheus: { attempts: 2, timeoutMs: 3000 }',
        'github:',
        '  repository: acme/config',
        `  apiUrl: ${github.baseUrl}`,
        `  app: { appId: ${APP_ID}, installationId: ${INSTALLATION}, privateKey: { file: ./app.pem } }`,
      ],
    });
  });

  afterAll(async () => {
    await server?.stop();
    await github?.stop();
    await kube?.stop();
    await prometheus?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('--dry-run says what it would push and open, and pushes nothing', async () => {
    const { service } = watcher({ dryRun: true });
    const report = await service.runOnce();
    expect(report?.decisions.find((d) => d.experiment === 'win')).toMatchObject({ action: 'promote' });
    // the clone came through the server with a token, but nothing was pushed or opened
    expect(server.requests.some((r) => r.service === 'upload-pack' && r.decision === 'ok')).toBe(true);
    expect(pushes()).toBe(0);
    expect(remoteBranch()).toBeUndefined();
    expect(github.calls('pulls/create')).toHaveLength(0);
    expect(logLines.join('')).toMatch(/"status":"dry-run".*would push phoenix\/promote\/win\/dev \(experiments\/win\.state\.yaml, experiments\/decisions\/[^)]*\) and open a pull request 'promote/);
  });

  it('pushes nothing while GitHub does not answer, and says it will try again', async () => {
    // GIVEN GitHub answers 503 to the pull-request look-up (also to the client's retries)
    github.failNext('pulls/list', { status: 503, times: 4 });
    const before = logLines.length;
    const { service } = watcher();
    await service.runOnce();
    // THEN no branch was pushed and the log says why, once, as retryable
    expect(pushes()).toBe(0);
    expect(remoteBranch()).toBeUndefined();
    const lines = logLines.slice(before).join('');
    expect(lines).toMatch(/GitHub did not answer \([^)]*\): branch phoenix\/promote\/win\/dev was not pushed; try again when GitHub is reachable/);
    expect(lines).toMatch(/will try again next cycle/);
    expect(lines).not.toMatch(/looks like a bug/);
    github.failNext('pulls/list', { status: 503, times: 0 });
  }, 120_000);

  it('pushes the branch through the server with an installation token and opens one pull request, also on rerun', async () => {
    // WHEN a cycle runs
    const { service } = watcher();
    await service.runOnce();
    // THEN the branch arrived through the authenticating server and the pull request is open
    const head = remoteBranch();
    expect(head).toBeDefined();
    expect(pushes()).toBe(1);
    expect(server.requests.filter((r) => r.decision !== 'ok')).toEqual([]);
    const state = parseExperimentState(git(bare, 'show', `${BRANCH}:experiments/win.state.yaml`), 'state');
    expect(state.environments.dev).toMatchObject({ phase: 'promoted', variant: 'by-route' });
    const pulls = github.repo('acme/config').pulls;
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ headRef: BRANCH, state: 'open' });
    expect(pulls[0]!.user.login).toBe('phoenix[bot]');
    // AND a restarted watcher's cycle finds it and opens no second one; the branch keeps the same
    // decision (a newer cycle may refresh its decision record's evidence, never the state it proposes)
    const restarted = watcher();
    await restarted.service.runOnce();
    const after = parseExperimentState(git(bare, 'show', `${BRANCH}:experiments/win.state.yaml`), 'state');
    expect(after.environments.dev).toMatchObject({ phase: 'promoted', variant: 'by-route' });
    if (remoteBranch() !== head) expect(git(bare, 'rev-list', '--count', `${head}..${BRANCH}`)).toBe('1');
    expect(github.calls('pulls/create')).toHaveLength(1);
    expect(github.repo('acme/config').pulls).toHaveLength(1);
    // AND its API and status page show the decision
    const url = await restarted.service.http.listen('127.0.0.1', 0);
    try {
      for (const route of ['/api/v1/health', '/api/v1/ready', '/api/v1/experiments', '/api/v1/experiments/win', '/api/v1/experiments/win/decisions', '/', '/experiments/win', '/metrics']) {
        const response = await fetch(`${url}${route}`);
        expect(response.status, route).toBeLessThan(500);
        const headers: string[] = [];
        response.headers.forEach((value, name) => headers.push(`${name}: ${value}`));
        apiBodies.push(`${route}\n${headers.join('\n')}\n${await response.text()}`);
      }
    } finally {
      await restarted.service.http.close();
    }
    expect(apiBodies.join('\n')).toMatch(/win/);
    github.assertValid();
  });

  it('leaves no token in any log line, API answer or file', () => {
    const tokens = issued();
    expect(tokens.length).toBeGreaterThan(0);
    // (the scan finds a token in either form it travels in)
    expect(occurrences(`a ${tokens[0]} b ${Buffer.from(`x-access-token:${tokens[0]}`).toString('base64')}`, tokens[0]!)).toBe(2);
    const logs = logLines.join('');
    const answers = apiBodies.join('\n');
    const leaks = tokens.flatMap((token) => [
      ...(occurrences(logs, token) > 0 ? [`log: ${token}`] : []),
      ...(occurrences(answers, token) > 0 ? [`api: ${token}`] : []),
      ...filesContaining(root, token).map((file) => `file: ${path.relative(root, file)}`),
    ]);
    expect(leaks).toEqual([]);
    // and the private key never left its file
    expect(logs + answers).not.toMatch(/PRIVATE KEY/);
  });
});
