import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { runCli } from '../../app/cli/program';
import { mountWatcherApi } from '../../app/watcher/api/mount-watcher-api';
import { parseWatcherConfig } from '../../app/watcher/config';
import { WatcherService } from '../../app/watcher/service';
import type { Decision } from '../../analysis/decide/types';
import { ConfigRepo } from '../../clients/git/config-repo';
import { createGitHubClient } from '../../clients/github/octokit';
import { proposePersonDecision } from '../../app/watcher/actuation/propose-person-decision';
import { mountApi, type MountedApi } from '../../app/watcher/api/mount-api';
import type { CycleReport } from '../../app/watcher/cycle';
import { WatcherHttpServer } from '../../app/watcher/http-server';
import { buildStatusView } from '../../app/watcher/status-page/build-status-view';
import { FakeGitHub } from '../support/fake-github';
import { apiFetch, assertAnswerMatchesContract, assertEventMatchesContract } from '../support/api-contract';

const TOKEN = 's3cret-token-for-tests';
const identity = { name: 'Phoenix', email: 'phoenix@example.invalid' };

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Alice',
      GIT_AUTHOR_EMAIL: 'alice@example.invalid',
      GIT_COMMITTER_NAME: 'Alice',
      GIT_COMMITTER_EMAIL: 'alice@example.invalid',
    },
  }).trim();
}

function decision(experiment: string, verdict: Decision['verdict']): Decision {
  const cost = (series: number) => ({
    activeSeries: series,
    samplesPerSecond: series / 60,
    estimatedBytesPerMonth: series * 86400,
    monthlyCost: (series * 0.0065).toFixed(2),
  });
  return {
    experiment,
    environment: 'dev',
    variant: 'no-pod',
    specHash: 'abc',
    phase: 'running',
    action: 'none',
    verdict,
    standing: verdict,
    reason: `newest window ${verdict}`,
    savingPercent: 90,
    evidence: {
      queries: ['count by (phoenix_variant) (up)'],
      thresholds: {
        consecutivePasses: 3,
        failureLimit: 2,
        minSavingsPercent: 10,
        windowMinutes: 10,
        warmUpMinutes: 5,
        bakeTimeMinutes: 60,
        bytesPerSampleEstimate: 2,
        currency: 'USD',
      },
      deployment: { source: 'kubernetes', current: true },
      measurementStart: null,
      failures: [],
    },
    windows: [
      {
        start: 1_764_064_800,
        end: 1_764_065_400,
        verdict,
        checks: [],
        baselineCost: cost(120_000),
        candidateCost: cost(12_000),
        savingPercent: 90,
        savingSufficient: true,
        hardFailure: false,
      },
    ],
    decidedAt: '2026-11-25T11:00:00Z',
  };
}

function report(decisions: Decision[], finishedAt: string): CycleReport {
  return {
    startedAt: finishedAt,
    finishedAt,
    decisions,
    queries: 3,
    sharedQueries: 2,
    guardrailQueries: 1,
    perVariantGuardrailQueries: 0,
    queryFailures: 0,
    problems: [],
    decideMillis: 1,
    decideCpuMillis: 1,
  };
}

describe('the watcher API /api/v1 (validated against docs/api/openapi.yaml)', () => {
  let root: string;
  let remote: string;
  let github: FakeGitHub;
  let server: WatcherHttpServer;
  let api: MountedApi;
  let base: string;
  let latest: CycleReport;
  let proposals = 0;
  let leader = true;
  const names = ['alpha', 'beta', 'gamma', 'drop-pod-labels'];

  beforeAll(async () => {
    // GIVEN a config repo on a GitHub fake, four experiments running in dev, and the API with actions on
    root = await mkdtemp(path.join(tmpdir(), 'phoenix-api-'));
    remote = path.join(root, 'remote.git');
    const seed = path.join(root, 'seed');
    git(root, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
    git(root, 'clone', '--quiet', remote, seed);
    await mkdir(path.join(seed, 'experiments'), { recursive: true });
    for (const name of names) await writeFile(path.join(seed, `experiments/${name}.state.yaml`), 'version: 1\nenvironments:\n  dev:\n    phase: running\n');
    git(seed, 'add', '.');
    git(seed, 'commit', '--quiet', '-m', 'init');
    git(seed, 'push', '--quiet', 'origin', 'HEAD:main');
    github = await FakeGitHub.start();
    github.addRepo({ owner: 'acme', name: 'config' });
    const syncing: typeof fetch = async (input, init) => {
      for (const line of git(remote, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads').split('\n').filter(Boolean)) {
        const [ref, sha] = line.split(' ');
        github.setRef('acme/config', ref!.replace(/^refs\//, ''), sha!);
      }
      return fetch(input, init);
    };
    const client = createGitHubClient({ auth: 'gh-token', baseUrl: github.baseUrl, throttle: false, retries: 0, fetch: syncing });
    const repo = await ConfigRepo.open(path.join(root, 'work'), remote);
    latest = report(
      names.map((n) => decision(n, 'inconclusive')),
      '2026-11-25T11:00:04.000Z',
    );
    server = new WatcherHttpServer();
    api = mountApi(server, {
      source: {
        view: () =>
          buildStatusView({
            generatedAt: new Date().toISOString(),
            decisions: latest.decisions,
            states: Object.fromEntries(names.map((n) => [n, { dev: { phase: 'running' as const } }])),
            environmentOrder: ['dev'],
          }),
      },
      report: () => latest,
      mode: () => 'propose',
      ready: () => true,
      environments: ['dev'],
      actions: {
        enabled: true,
        token: TOKEN,
        ratePerMinute: 600,
        burst: 8,
        log: { info: () => undefined, warn: () => undefined },
        leader: async () => (leader ? { leader: true } : { leader: false, holder: { identity: 'watcher-1', url: 'http://10.0.0.7:9464' } }),
        propose: (d) => {
          proposals += 1;
          return proposePersonDecision(d, { repo, github: client, owner: 'acme', repoName: 'config', identity });
        },
      },
    });
    base = await server.listen('127.0.0.1', 0);
  });

  afterAll(async () => {
    await server?.close();
    github?.assertValid();
    await github?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('serves experiments with ETag, honours If-None-Match, and pages with a cursor', async () => {
    const first = await apiFetch<{
      experiments: Array<{ name: string; environments: Array<{ verdict: string; decisions: unknown[]; savings: { best?: { variant: string } } }> }>;
      nextCursor?: string;
    }>(base, '/api/v1/experiments?limit=3');
    expect(first.status).toBe(200);
    expect(first.body.experiments.map((e) => e.name)).toEqual(['alpha', 'beta', 'drop-pod-labels']);
    expect(first.body.experiments[0]!.environments[0]!.decisions).toHaveLength(1);
    expect(first.body.experiments[0]!.environments[0]!.savings.best?.variant).toBe('no-pod');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    expect((await apiFetch(base, '/api/v1/experiments?limit=3', { headers: { 'if-none-match': etag } })).status).toBe(304);
    const second = await apiFetch<{ experiments: Array<{ name: string }>; nextCursor?: string }>(
      base,
      `/api/v1/experiments?limit=3&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.experiments.map((e) => e.name)).toEqual(['gamma']);
    expect(second.body.nextCursor).toBeUndefined();
    const one = await apiFetch<{ name: string }>(base, '/api/v1/experiments/beta');
    expect(one.body.name).toBe('beta');
    const history = await apiFetch<{ decisions: Array<{ environment: string; action: string }> }>(base, '/api/v1/experiments/beta/decisions');
    expect(history.body.decisions[0]).toMatchObject({ environment: 'dev', action: 'none' });
    expect((await apiFetch(base, '/api/v1/health')).status).toBe(200);
    expect((await apiFetch(base, '/api/v1/ready')).status).toBe(200);
  });

  it('answers bad input in the one error shape, naming the field', async () => {
    expect((await apiFetch<{ error: { field: string } }>(base, '/api/v1/experiments/nope')).body.error).toMatchObject({
      status: 404,
      code: 'not_found',
      field: 'name',
    });
    expect((await apiFetch<{ error: { field: string } }>(base, '/api/v1/experiments?limit=0')).body.error).toMatchObject({ status: 400, field: 'limit' });
    expect((await apiFetch<{ error: { field: string } }>(base, '/api/v1/experiments?cursor=zzz')).body.error).toMatchObject({ status: 400, field: 'cursor' });
    expect((await apiFetch<{ error: { field: string } }>(base, '/api/v1/experiments?environment=mars')).body.error).toMatchObject({
      status: 404,
      field: 'environment',
    });
    expect((await apiFetch<{ error: { field: string } }>(base, '/api/v1/experiments?colour=red')).body.error).toMatchObject({ status: 400, field: 'colour' });
    expect((await apiFetch(base, '/api/v1/nothing-here')).status).toBe(404);
    const wrongMethod = await apiFetch(base, '/api/v1/experiments', { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('streams a finished cycle, a changed verdict and an opened pull request as Server-Sent Events', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/v1/events`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    // WHEN a cycle finishes in which alpha's verdict turned to pass
    latest = report(
      names.map((n) => decision(n, n === 'alpha' ? 'pass' : 'inconclusive')),
      '2026-11-25T11:10:04.000Z',
    );
    api.publishCycle(
      report(
        names.map((n) => decision(n, 'inconclusive')),
        '2026-11-25T11:00:04.000Z',
      ),
      [],
    );
    api.publishCycle(latest, [
      {
        experiment: 'alpha',
        environment: 'dev',
        variant: 'no-pod',
        action: 'promote',
        outcome: { status: 'opened', branch: 'phoenix/promote/alpha/dev', url: 'https://github.example/acme/config/pull/9', pullNumber: 9 },
      },
    ]);
    let text = '';
    while ((text.match(/\n\n/g) ?? []).length < 5) text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const events = text
      .split('\n\n')
      .filter((b) => b.includes('event:'))
      .map((block) => ({ type: /event: (.+)/.exec(block)![1]!, data: JSON.parse(/data: (.+)/.exec(block)![1]!) as Record<string, unknown> }));
    // THEN the stream carries each, every one as the contract describes it
    expect(events.map((e) => e.type)).toEqual(['cycle-finished', 'cycle-finished', 'verdict-changed', 'pull-request-opened']);
    expect(events[2]!.data).toMatchObject({ experiment: 'alpha', from: 'inconclusive', to: 'pass' });
    for (const event of events) await assertEventMatchesContract(event.type, event.data);
  });

  it('refuses actions without the right token, and with unknown input names the field', async () => {
    const post = (p: string, init: RequestInit = {}) => apiFetch<{ error: { code: string; field?: string } }>(base, p, { method: 'POST', ...init });
    const auth = { authorization: `Bearer ${TOKEN}` };
    expect((await post('/api/v1/experiments/alpha/environments/dev/pause')).status).toBe(401);
    expect((await post('/api/v1/experiments/alpha/environments/dev/pause', { headers: { authorization: 'Bearer wrong' } })).status).toBe(403);
    expect((await post('/api/v1/experiments/alpha/environments/dev/explode', { headers: auth })).body.error).toMatchObject({
      code: 'bad_request',
      field: 'action',
    });
    expect(
      (await post('/api/v1/experiments/alpha/environments/dev/pause', { headers: { ...auth, 'content-type': 'application/json' }, body: '{"reason": 3}' })).body
        .error,
    ).toMatchObject({ field: 'reason' });
    expect(
      (await post('/api/v1/experiments/alpha/environments/dev/pause', { headers: { ...auth, 'content-type': 'application/json' }, body: '{"force": true}' }))
        .body.error,
    ).toMatchObject({ field: 'force' });
    expect(
      (await post('/api/v1/experiments/alpha/environments/dev/pause', { headers: { ...auth, 'content-type': 'application/json' }, body: '{not json' })).body
        .error,
    ).toMatchObject({ field: 'body' });
    expect((await post('/api/v1/experiments/nope/environments/dev/pause', { headers: auth })).body.error).toMatchObject({ code: 'not_found', field: 'name' });
    expect((await post('/api/v1/experiments/alpha/environments/mars/pause', { headers: auth })).body.error).toMatchObject({ code: 'not_found', field: 'env' });
    leader = false;
    const follower = await post('/api/v1/experiments/alpha/environments/dev/pause', { headers: auth });
    leader = true;
    expect(follower.status).toBe(503);
    expect(follower.body.error).toMatchObject({ code: 'not_leader', leader: { identity: 'watcher-1', url: 'http://10.0.0.7:9464' } });
    expect(proposals).toBe(0);
    expect(github.repo('acme/config').pulls).toHaveLength(0);
  });

  it('opens exactly one pull request per request, returns it on retry, and answers 409 for another open one', async () => {
    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const body = JSON.stringify({ reason: 'incident freeze', requestedBy: 'Alice Operator' });
    const first = await apiFetch<{ status: string; pullRequest: { url: string; number: number } }>(
      base,
      '/api/v1/experiments/drop-pod-labels/environments/dev/pause',
      { method: 'POST', headers: auth, body },
    );
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('opened');
    expect(first.headers.get('location')).toBe(first.body.pullRequest.url);
    const retry = await apiFetch<{ status: string; pullRequest: { url: string } }>(base, '/api/v1/experiments/drop-pod-labels/environments/dev/pause', {
      method: 'POST',
      headers: auth,
      body,
    });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ status: 'existing', pullRequest: { url: first.body.pullRequest.url } });
    const open = github.repo('acme/config').pulls.filter((p) => p.state === 'open');
    expect(open).toHaveLength(1);
    expect(git(remote, 'show', `phoenix/pause/drop-pod-labels/dev:experiments/drop-pod-labels.state.yaml`)).toMatch(/phase: paused/);
    const conflict = await apiFetch<{ error: { pullRequest: { url: string } } }>(base, '/api/v1/experiments/drop-pod-labels/environments/dev/abort', {
      method: 'POST',
      headers: auth,
    });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.pullRequest.url).toBe(first.body.pullRequest.url);
    expect(github.repo('acme/config').pulls).toHaveLength(1);
  });

  it('leaves no branch behind when GitHub fails, and opens exactly one pull request when a create succeeded behind a 502', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    // GIVEN GitHub failing the look-up
    github.failNext('pulls/list', { status: 503 });
    const failed = await apiFetch<{ error: { code: string; message: string } }>(base, '/api/v1/experiments/gamma/environments/dev/pause', {
      method: 'POST',
      headers: auth,
    });
    // THEN a clear 502 and nothing pushed
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('upstream_failed');
    expect(failed.body.error.message).toMatch(/^GitHub did not answer \(.*\): branch phoenix\/pause\/gamma\/dev was not pushed; try again when GitHub is reachable — no pull request was opened$/);
    expect(failed.text).not.toMatch(/\bat \S+:\d+:\d+/);
    expect(git(remote, 'branch', '--list', 'phoenix/pause/gamma/dev')).toBe('');
    // WHEN the create takes effect but its answer is lost
    github.failNext('pulls/create', { status: 502, applied: true });
    const opened = await apiFetch<{ status: string; pullRequest: { url: string } }>(base, '/api/v1/experiments/gamma/environments/dev/pause', {
      method: 'POST',
      headers: auth,
    });
    // THEN the look-up finds it: one pull request, reported as opened
    expect(opened.status).toBe(201);
    expect(github.repo('acme/config').pulls.filter((p) => p.headRef === 'phoenix/pause/gamma/dev')).toHaveLength(1);
    // and starting an experiment that already runs is refused, saying why, with nothing pushed
    const refused = await apiFetch<{ error: { code: string; message: string } }>(base, '/api/v1/experiments/beta/environments/dev/start', {
      method: 'POST',
      headers: auth,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe('cannot start: the experiment is running, not pending, in dev');
    expect(git(remote, 'branch', '--list', 'phoenix/start/beta/dev')).toBe('');
  });

  it('the contract helper fails an answer that drifts', async () => {
    const drifting = new Response(JSON.stringify({ name: 'beta', environments: [{ environment: 'dev' }] }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
    await expect(assertAnswerMatchesContract('GET', new URL(`${base}/api/v1/experiments/beta`), {}, drifting, await drifting.clone().text())).rejects.toThrow(
      /drifts from docs\/api\/openapi\.yaml/,
    );
    const undeclared = new Response('{}', { status: 418, headers: { 'content-type': 'application/json' } });
    await expect(assertAnswerMatchesContract('GET', new URL(`${base}/api/v1/health`), {}, undeclared, '{}')).rejects.toThrow();
  });

  it('from a watcher config: actions turned on, token read from a file, the pull request shown by the read routes', async () => {
    // GIVEN a watcher config with the API's actions on, the token in a file and GitHub via a token variable
    await writeFile(path.join(root, 'api-token'), `${TOKEN}\n`);
    process.env.PHOENIX_TEST_API_GITHUB_TOKEN = 'gh-token';
    const config = parseWatcherConfig(
      [
        `repository: { url: ${remote}, workDir: ${path.join(root, 'watch-work')} }`,
        `github: { repository: acme/config, apiUrl: '${github.baseUrl}', token: { env: PHOENIX_TEST_API_GITHUB_TOKEN } }`,
        'actuation: { resynthesize: false }',
        `api: { actions: { enabled: true, token: { file: ${path.join(root, 'api-token')} } } }`,
        'environments:',
        '  dev: { flux: { source: kubernetes } }',
      ].join('\n'),
      path.join(root, 'watcher.yaml'),
    );
    const service = new WatcherService({
      loadInputs: async () => ({ environments: [], experiments: [], contains: async () => undefined }),
      intervalSeconds: 60,
      log: pino({ level: 'silent' }),
    });
    const pullRequests = new Map();
    mountWatcherApi(service, config, {
      source: { view: () => buildStatusView({ generatedAt: 'x', decisions: [], states: { alpha: { dev: { phase: 'running' } } }, environmentOrder: ['dev'] }) },
      pullRequests,
      log: pino({ level: 'silent' }),
    });
    const url = await service.http.listen('127.0.0.1', 0);
    try {
      github.setRef('acme/config', 'heads/phoenix/pause/alpha/dev', 'f'.repeat(40));
      expect(
        (await apiFetch(url, '/api/v1/experiments/alpha/environments/dev/pause', { method: 'POST', headers: { authorization: 'Bearer nope' } })).status,
      ).toBe(403);
      // WHEN a person pauses alpha through the API
      const answer = await apiFetch<{ status: string; pullRequest: { url: string } }>(url, '/api/v1/experiments/alpha/environments/dev/pause', {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      // THEN one pull request is opened from the watcher's own clone, and the read routes show it
      expect(answer.status).toBe(201);
      expect(github.repo('acme/config').pulls.filter((p) => p.headRef === 'phoenix/pause/alpha/dev')).toHaveLength(1);
      const alpha = await apiFetch<{ environments: Array<{ pullRequests: Array<{ url: string; branch: string }> }> }>(url, '/api/v1/experiments/alpha');
      expect(alpha.body.environments[0]!.pullRequests).toEqual([
        expect.objectContaining({ url: answer.body.pullRequest.url, branch: 'phoenix/pause/alpha/dev' }),
      ]);
    } finally {
      await service.http.close();
      delete process.env.PHOENIX_TEST_API_GITHUB_TOKEN;
    }
  });

  it('phoenix status --server reads the API: every experiment per environment, no checkout needed', async () => {
    let stdout = '';
    let stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    try {
      expect(await runCli(['status', '--server', base, '--format', 'json'])).toBe(0);
      const rows = JSON.parse(stdout) as Array<{ experiment: string; environment: string; verdict: string; projectedSaving?: string; realizedSaving?: string; pullRequests: string[] }>;
      expect(rows.map((r) => r.experiment)).toEqual(['alpha', 'beta', 'drop-pod-labels', 'gamma']);
      expect(rows[0]).toMatchObject({ environment: 'dev', projectedSaving: '702.00 USD (no-pod)' });
      expect(rows[0]!.realizedSaving).toBeUndefined();
      stdout = '';
      expect(await runCli(['status', '--server', base])).toBe(0);
      expect(stdout.split('\n')[0]).toMatch(/^EXPERIMENT\s+ENV\s+PHASE\s+VERDICT\s+PROJECTED\/MONTH\s+SAVED\/MONTH\s+PULL REQUEST$/);
      expect(await runCli(['status', '--server', 'http://127.0.0.1:1'])).toBe(2);
      expect(stderr).toMatch(/cannot reach the watcher at http:\/\/127\.0\.0\.1:1/);
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe('the action routes when turned off, and their rate limit', () => {
  async function serve(actions: Parameters<typeof mountApi>[1]['actions']): Promise<{ base: string; server: WatcherHttpServer }> {
    const server = new WatcherHttpServer();
    const view = buildStatusView({
      generatedAt: '2026-11-25T11:00:00Z',
      decisions: [],
      states: { alpha: { dev: { phase: 'running' } } },
      environmentOrder: ['dev'],
    });
    mountApi(server, {
      source: { view: () => view },
      report: () => undefined,
      mode: () => 'observe',
      ready: () => false,
      environments: ['dev'],
      ...(actions ? { actions } : {}),
    });
    return { base: await server.listen('127.0.0.1', 0), server };
  }

  it('answers 403 actions_disabled by default, even with a token, and never proposes', async () => {
    const { base, server } = await serve(undefined);
    try {
      const answer = await apiFetch<{ error: { code: string } }>(base, '/api/v1/experiments/alpha/environments/dev/pause', {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(answer.status).toBe(403);
      expect(answer.body.error.code).toBe('actions_disabled');
      // and readiness before the first cycle is a 503 in the error shape
      expect((await apiFetch<{ error: { code: string } }>(base, '/api/v1/ready')).body.error.code).toBe('not_ready');
      expect((await apiFetch<{ cycle: unknown }>(base, '/api/v1/experiments')).body.cycle).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('answers 429 with Retry-After past the burst, and the token never appears in an answer', async () => {
    let calls = 0;
    const { base, server } = await serve({
      enabled: true,
      token: TOKEN,
      ratePerMinute: 1,
      burst: 2,
      log: { info: () => undefined, warn: () => undefined },
      propose: async (d) => {
        calls += 1;
        return {
          kind: 'existing',
          branch: `phoenix/${d.action}/${d.experiment}/${d.environment}`,
          pullNumber: 7,
          url: 'https://github.example/acme/config/pull/7',
        };
      },
    });
    try {
      const post = () => apiFetch(base, '/api/v1/experiments/alpha/environments/dev/pause', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
      const answers = [await post(), await post(), await post()];
      expect(answers.map((a) => a.status)).toEqual([200, 200, 429]);
      expect(Number(answers[2]!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(calls).toBe(2);
      for (const answer of answers) expect(answer.text).not.toContain(TOKEN);
    } finally {
      await server.close();
    }
  });
});
