import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExperimentState } from '../../constructs/experiment/state';
import { apiFetch } from '../support/api-contract';
import { startProposeRig, type ProposeRig } from '../support/propose-rig';
import { filesContaining, occurrences } from '../support/token-scan';

const BRANCH = 'phoenix/promote/win/dev';

/**
 * Propose mode as deployed (test/support/propose-rig.ts): a GitHub App (key on disk, installation
 * tokens minted by the GitHub fake), the config repository behind a real `git http-backend` that
 * demands those tokens, a real Prometheus with a candidate that clearly wins, Flux status from the
 * Kubernetes API (fake).
 */
describe('phoenix watch in propose mode, over an authenticating git server and GitHub App tokens', { timeout: 180_000 }, () => {
  let rig: ProposeRig;
  const apiBodies: string[] = [];
  const issued = () => [...rig.github.state.tokens.keys()];
  const watcher = (options: { dryRun?: boolean } = {}) => rig.watcher(options);
  const remoteBranch = () => {
    try {
      return rig.git('rev-parse', '--verify', '--quiet', `refs/heads/${BRANCH}`);
    } catch {
      return undefined;
    }
  };

  beforeAll(async () => {
    rig = await startProposeRig({ win: 'clear-win' });
  });

  afterAll(async () => rig?.stop());

  it('--dry-run says what it would push and open, and pushes nothing', async () => {
    const { service } = watcher({ dryRun: true });
    const report = await service.runOnce();
    expect(report?.decisions.find((d) => d.experiment === 'win')).toMatchObject({ action: 'promote' });
    // the clone came through the server with a token, but nothing was pushed or opened
    expect(rig.server.requests.some((r) => r.service === 'upload-pack' && r.decision === 'ok')).toBe(true);
    expect(rig.pushes()).toBe(0);
    expect(remoteBranch()).toBeUndefined();
    expect(rig.github.calls('pulls/create')).toHaveLength(0);
    expect(rig.logLines.join('')).toMatch(
      /"status":"dry-run".*would push phoenix\/promote\/win\/dev \(experiments\/win\.state\.yaml, experiments\/decisions\/[^)]*\) and open a pull request 'promote/,
    );
  });

  it('pushes nothing while GitHub does not answer, and says it will try again', async () => {
    // GIVEN GitHub answers 503 to the pull-request look-up (also to the client's retries)
    rig.github.failNext('pulls/list', { status: 503, times: 4 });
    const before = rig.logLines.length;
    const { service } = watcher();
    await service.runOnce();
    // THEN no branch was pushed and the log says why, once, as retryable
    expect(rig.pushes()).toBe(0);
    expect(remoteBranch()).toBeUndefined();
    const lines = rig.logLines.slice(before).join('');
    expect(lines).toMatch(/GitHub did not answer \([^)]*\): branch phoenix\/promote\/win\/dev was not pushed; try again when GitHub is reachable/);
    expect(lines).toMatch(/will try again next cycle/);
    expect(lines).not.toMatch(/looks like a bug/);
    rig.github.failNext('pulls/list', { status: 503, times: 0 });
  }, 120_000);

  it('pushes the branch through the server with an installation token and opens one pull request, also on rerun', async () => {
    // WHEN a cycle runs
    const { service } = watcher();
    await service.runOnce();
    // THEN the branch arrived through the authenticating server and the pull request is open
    const head = remoteBranch();
    expect(head).toBeDefined();
    expect(rig.pushes()).toBe(1);
    expect(rig.server.requests.filter((r) => r.decision !== 'ok')).toEqual([]);
    const state = parseExperimentState(rig.git('show', `${BRANCH}:experiments/win.state.yaml`), 'state');
    expect(state.environments.dev).toMatchObject({ phase: 'promoted', variant: 'by-route' });
    const pulls = rig.github.repo('acme/config').pulls;
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ headRef: BRANCH, state: 'open' });
    expect(pulls[0]!.user.login).toBe('phoenix[bot]');
    // AND a restarted watcher's cycle finds it and opens no second one; the branch keeps the same
    // decision (a newer cycle may refresh its decision record's evidence, never the state it proposes)
    const restarted = watcher();
    await restarted.service.runOnce();
    const after = parseExperimentState(rig.git('show', `${BRANCH}:experiments/win.state.yaml`), 'state');
    expect(after.environments.dev).toMatchObject({ phase: 'promoted', variant: 'by-route' });
    if (remoteBranch() !== head) expect(rig.git('rev-list', '--count', `${head}..${BRANCH}`)).toBe('1');
    expect(rig.github.calls('pulls/create')).toHaveLength(1);
    expect(rig.github.repo('acme/config').pulls).toHaveLength(1);
    // AND its API and status page show the decision
    const url = await restarted.service.http.listen('127.0.0.1', 0);
    try {
      for (const route of [
        '/api/v1/health',
        '/api/v1/ready',
        '/api/v1/experiments',
        '/api/v1/experiments/win',
        '/api/v1/experiments/win/decisions',
        '/',
        '/experiments/win',
        '/metrics',
      ]) {
        // (apiFetch checks every /api/v1 answer against docs/api/openapi.yaml)
        const response = await apiFetch(url, route);
        expect(response.status, route).toBeLessThan(500);
        const headers: string[] = [];
        response.headers.forEach((value, name) => headers.push(`${name}: ${value}`));
        apiBodies.push(`${route}\n${headers.join('\n')}\n${response.text}`);
      }
    } finally {
      await restarted.service.http.close();
    }
    expect(apiBodies.join('\n')).toMatch(/win/);
    rig.github.assertValid();
  });

  it('leaves no token in any log line, API answer or file', () => {
    const tokens = issued();
    expect(tokens.length).toBeGreaterThan(0);
    // (the scan finds a token in either form it travels in)
    expect(occurrences(`a ${tokens[0]} b ${Buffer.from(`x-access-token:${tokens[0]}`).toString('base64')}`, tokens[0]!)).toBe(2);
    const logs = rig.logLines.join('');
    const answers = apiBodies.join('\n');
    const leaks = tokens.flatMap((token) => [
      ...(occurrences(logs, token) > 0 ? [`log: ${token}`] : []),
      ...(occurrences(answers, token) > 0 ? [`api: ${token}`] : []),
      ...filesContaining(rig.root, token).map((file) => `file: ${path.relative(rig.root, file)}`),
    ]);
    expect(leaks).toEqual([]);
    // and the private key never left its file
    expect(logs + answers).not.toMatch(/PRIVATE KEY/);
  });
});
