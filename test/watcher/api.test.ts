import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { LeaseElector } from '../../clients/kubernetes/lease-elector';
import { runCli } from '../../app/cli/program';
import { mountWatcherApi } from '../../app/watcher/api/mount-watcher-api';
import { parseWatcherConfig } from '../../app/watcher/config';
import { WatcherService } from '../../app/watcher/service';
import { createGitHubAccess } from '../../app/watcher/github-access';
import type { Decision } from '../../analysis/decide/types';
import { ConfigRepo } from '../../clients/git/config-repo';
import { createGitHubClient } from '../../clients/github/octokit';
import { proposePersonDecision } from '../../app/watcher/actuation/propose-person-decision';
import { mountApi, type MountedApi } from '../../app/watcher/api/mount-api';
import type { CycleReport } from '../../app/watcher/cycle';
import { WatcherHttpServer } from '../../app/watcher/http-server';
import { buildStatusView } from '../../app/watcher/status-page/build-status-view';
import { FakeGitHub } from '../support/fake-github';
import { FakeKubeApi } from '../support/fake-kube-api';
import { GitHttpServer } from '../support/git-http-server';
import { apiFetch, assertAnswerMatchesContract, assertEventMatchesContract, validateServedAnswers, type ServedAnswers } from '../support/api-contract';

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

/** Reads `count` events (of `type`, when given) from the API's stream, then closes it. */
async function readEvents(
  base: string,
  count: number,
  headers: Record<string, string>,
  type?: string,
): Promise<Array<{ id: string; type: string; data: Record<string, unknown> }>> {
  const controller = new AbortController();
  const response = await fetch(`${base}/api/v1/events`, { headers, signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: Array<{ id: string; type: string; data: Record<string, unknown> }> = [];
  let text = '';
  try {
    while (events.length < count) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended after ${events.length} events`);
      text += decoder.decode(value, { stream: true });
      const blocks = text.split('\n\n');
      text = blocks.pop()!;
      for (const block of blocks) {
        const id = /^id: (.+)$/m.exec(block)?.[1];
        const event = /^event: (.+)$/m.exec(block)?.[1];
        if (!id || !event || (type && event !== type)) continue;
        events.push({ id, type: event, data: JSON.parse(/^data: (.+)$/m.exec(block)![1]!) as Record<string, unknown> });
      }
    }
  } finally {
    controller.abort();
  }
  return events.slice(0, count);
}

describe('the watcher API /api/v1 (validated against docs/api/openapi.yaml)', () => {
  let root: string;
  let remote: string;
  let github: FakeGitHub;
  let server: WatcherHttpServer;
  let api: MountedApi;
  let base: string;
  let latest: CycleReport;
  let served: ServedAnswers;
  let proposals = 0;
  let leader = true;
  let failView: Error | undefined;
  const logged: string[] = [];
  const names = ['alpha', 'beta', 'gamma', 'drop-pod-labels'];

  /** An idle watcher service and its config with the API's actions on (token in root/api-token), as `phoenix watch` reads them. */
  function idleWatcherWithActions(name: string, url: string, repository: string, tokenEnv: string, apiOptions = '') {
    const config = parseWatcherConfig(
      [
        `repository: { url: '${url}', workDir: ${path.join(root, `${name}-work`)} }`,
        `github: { repository: ${repository}, apiUrl: '${github.baseUrl}', token: { env: ${tokenEnv} } }`,
        'actuation: { resynthesize: false }',
        `api: { actions: { enabled: true, token: { file: ${path.join(root, 'api-token')} }${apiOptions} } }`,
        'environments:',
        '  dev: { flux: { source: kubernetes } }',
      ].join('\n'),
      path.join(root, `watcher-${name}.yaml`),
    );
    const service = new WatcherService({
      loadInputs: async () => ({ environments: [], experiments: [], contains: async () => undefined }),
      intervalSeconds: 60,
      log: pino({ level: 'silent' }),
    });
    return { config, service };
  }

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
    served = validateServedAnswers(server);
    api = mountApi(server, {
      log: { error: (object, message) => void logged.push(JSON.stringify({ ...object, msg: message })) },
      source: {
        view: () => {
          if (failView) throw failView;
          return buildStatusView({
            generatedAt: new Date().toISOString(),
            decisions: latest.decisions,
            states: Object.fromEntries(names.map((n) => [n, { dev: { phase: 'running' as const } }])),
            environmentOrder: ['dev'],
          });
        },
      },
      report: () => latest,
      mode: () => 'propose',
      ready: () => true,
      environments: ['dev'],
      actions: {
        enabled: true,
        token: TOKEN,
        ratePerMinute: 600,
        burst: 40,
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

  afterEach(async () => {
    // every answer served to anyone in the test (apiFetch, the CLI, raw streams) follows the contract
    expect(await served.problems()).toEqual([]);
  });

  afterAll(async () => {
    await server?.close();
    expect(await served.problems()).toEqual([]);
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
    const asText = await post('/api/v1/experiments/alpha/environments/dev/pause', { headers: { ...auth, 'content-type': 'text/plain' }, body: 'please' });
    expect(asText.status).toBe(415);
    expect(asText.body.error).toMatchObject({ code: 'unsupported_media_type', field: 'body' });
    const huge = await post('/api/v1/experiments/alpha/environments/dev/pause', {
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'x'.repeat(17 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatchObject({ code: 'payload_too_large', field: 'body' });
    expect(
      (
        await post('/api/v1/experiments/alpha/environments/dev/pause', {
          headers: { ...auth, 'content-type': 'application/json' },
          body: '{"reason": "two\\nlines"}',
        })
      ).body.error,
    ).toMatchObject({ field: 'reason' });
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
    expect(failed.body.error.message).toMatch(
      /^GitHub did not answer \(.*\): branch phoenix\/pause\/gamma\/dev was not pushed; try again when GitHub is reachable — no pull request was opened$/,
    );
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

  it('answers a handler that throws with a 500 in the one error shape: no stack, no message, the details in the log', async () => {
    // GIVEN the status source failing with a message that quotes a credential
    failView = new Error('cannot read https://x-access-token:ghs_abcdefghijklmnop0123456789@github.com/acme/config.git');
    try {
      const answer = await apiFetch<{ error: { status: number; code: string; message: string } }>(base, '/api/v1/experiments');
      // THEN the caller learns only that it failed
      expect(answer.status).toBe(500);
      expect(answer.body.error).toEqual({ status: 500, code: 'internal', message: 'the watcher failed to answer; the watcher log has the details' });
      expect(answer.text).not.toMatch(/\bat \S+|\.ts:\d+|ghs_|x-access-token|github\.com/);
      // AND the log has what failed and where, without the credential
      const line = logged.at(-1)!;
      expect(line).toContain('cannot read https://***@github.com/acme/config.git');
      expect(line).toMatch(/"path":"\/api\/v1\/experiments"/);
      expect(line).toMatch(/at .*mount-api\.ts|at .*api\.test\.ts/);
      expect(line).not.toContain('ghs_abcdefghijklmnop0123456789');
    } finally {
      failView = undefined;
    }
  });

  it('answers every method and path under /api/v1 in the one error shape, and HEAD like GET without a body', async () => {
    for (const [method, route, status] of [
      ['OPTIONS', '/api/v1/experiments', 405],
      ['PUT', '/api/v1/experiments/alpha/environments/dev/pause', 405],
      ['GET', '/api/v1/experiments/alpha/environments/dev/pause', 405],
      ['GET', '/api/v1', 404],
      ['GET', '/api/v1/experiments//decisions', 404],
      ['GET', '/api/v1/experiments/%E0%A4%A/decisions', 404],
    ] as const) {
      const answer = await apiFetch<{ error: { status: number } }>(base, route, { method });
      expect(answer.status, `${method} ${route}`).toBe(status);
      expect(answer.body.error.status).toBe(status);
    }
    const get = await apiFetch(base, '/api/v1/experiments/alpha');
    const head = await apiFetch(base, '/api/v1/experiments/alpha', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
  });

  it('replays missed events to a client that reconnects with Last-Event-ID', async () => {
    // GIVEN two events published while nobody listened
    const first = api.events.publish('cycle-finished', { finishedAt: '2026-11-25T12:00:00.000Z', decisions: 0, problems: 0 });
    const second = api.events.publish('cycle-finished', { finishedAt: '2026-11-25T12:10:00.000Z', decisions: 0, problems: 1 });
    // WHEN a client reconnects saying which event it saw before them
    const replayed = await readEvents(base, 2, { 'last-event-id': String(first.id - 1) });
    // THEN it gets both, in order, with their ids
    expect(replayed.map((e) => Number(e.id))).toEqual([first.id, second.id]);
    expect(replayed.map((e) => e.data.finishedAt)).toEqual(['2026-11-25T12:00:00.000Z', '2026-11-25T12:10:00.000Z']);
    // and a client that saw the newest gets nothing replayed
    const later = readEvents(base, 1, { 'last-event-id': String(second.id) });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const third = api.events.publish('cycle-finished', { finishedAt: '2026-11-25T12:20:00.000Z', decisions: 0, problems: 0 });
    expect((await later).map((e) => Number(e.id))).toEqual([third.id]);
  });

  it('opens exactly one pull request for concurrent identical requests, and announces it once', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    const watching = readEvents(base, 1, {}, 'pull-request-opened');
    await new Promise((resolve) => setTimeout(resolve, 100));
    // WHEN four clients ask to pause beta at the same time
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() =>
        apiFetch<{ status: string; pullRequest: { url: string } }>(base, '/api/v1/experiments/beta/environments/dev/pause', { method: 'POST', headers: auth }),
      ),
    );
    // THEN one opened it and the others got the same one
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.pullRequest.url)).size).toBe(1);
    expect(github.repo('acme/config').pulls.filter((p) => p.headRef === 'phoenix/pause/beta/dev')).toHaveLength(1);
    expect(github.calls('pulls/create').filter((c) => JSON.stringify(c).includes('phoenix/pause/beta/dev'))).toHaveLength(1);
    const [event] = await watching;
    expect(event!.data).toMatchObject({ experiment: 'beta', environment: 'dev', action: 'pause', url: answers[0]!.body.pullRequest.url });
  });

  it('completes on retry a pull request whose creation failed after the push', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    // GIVEN GitHub failing the create after the branch was pushed
    github.failNext('pulls/create', { status: 500 });
    const failed = await apiFetch<{ error: { code: string; message: string } }>(base, '/api/v1/experiments/alpha/environments/dev/abort', {
      method: 'POST',
      headers: auth,
    });
    expect(failed.status).toBe(502);
    expect(failed.body.error.message).toMatch(/try again/);
    expect(github.repo('acme/config').pulls.filter((p) => p.headRef === 'phoenix/abort/alpha/dev')).toHaveLength(0);
    // WHEN the caller retries
    const retried = await apiFetch<{ status: string; pullRequest: { url: string } }>(base, '/api/v1/experiments/alpha/environments/dev/abort', {
      method: 'POST',
      headers: auth,
    });
    // THEN the pull request is complete: opened once, labelled, on a branch that aborts alpha
    expect(retried.status).toBe(201);
    const pulls = github.repo('acme/config').pulls.filter((p) => p.headRef === 'phoenix/abort/alpha/dev');
    expect(pulls).toHaveLength(1);
    expect(pulls[0]!.labels.length).toBeGreaterThan(0);
    expect(git(remote, 'show', 'phoenix/abort/alpha/dev:experiments/alpha.state.yaml')).toMatch(/phase: rolled-back/);
    // (someone closes it, so alpha is free for the next test)
    pulls[0]!.state = 'closed';
  });

  it('the contract helper fails an answer that drifts', async () => {
    const drifting = new Response(JSON.stringify({ name: 'beta', environments: [{ environment: 'dev' }] }), {
      status: 200,
      headers: { 'content-type': 'application/json', etag: '"abc"' },
    });
    await expect(assertAnswerMatchesContract('GET', new URL(`${base}/api/v1/experiments/beta`), {}, drifting, await drifting.clone().text())).rejects.toThrow(
      /drifts from docs\/api\/openapi\.yaml/,
    );
    const undeclared = new Response('{}', { status: 418, headers: { 'content-type': 'application/json' } });
    await expect(assertAnswerMatchesContract('GET', new URL(`${base}/api/v1/health`), {}, undeclared, '{}')).rejects.toThrow();
    // and the server-side check catches what any client received: a drifting answer, an event, a text error
    const drifting2 = new WatcherHttpServer();
    const watched = validateServedAnswers(drifting2);
    drifting2.route('/api/v1/', (req, res, url) => {
      if (url.pathname.endsWith('/events')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.end('id: 1\nevent: verdict-changed\ndata: {"experiment":"a"}\n\n');
      } else if (url.pathname.endsWith('/health')) res.writeHead(200, { 'content-type': 'application/json', etag: '"abc"' }).end('{"status":"fine"}');
      else if (url.pathname.endsWith('/ready')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"ready":true,"lastCycleAt":null}');
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
    const at = await drifting2.listen('127.0.0.1', 0);
    try {
      for (const route of ['/api/v1/health', '/api/v1/ready', '/api/v1/events', '/api/v1/nothing']) await (await fetch(`${at}${route}`)).text();
      const problems = await watched.problems();
      expect(problems).toHaveLength(4);
      expect(problems.join('\n')).toMatch(/GET \/api\/v1\/ready → 200: headers drift .*etag/);
      expect(problems.join('\n')).toMatch(/GET \/api\/v1\/health → 200: answer drifts/);
      expect(problems.join('\n')).toMatch(/event verdict-changed drifts/);
      expect(problems.join('\n')).toMatch(/not JSON/);
    } finally {
      await drifting2.close();
    }
  });

  it('from a watcher config: actions turned on, token read from a file, the pull request shown by the read routes', async () => {
    // GIVEN a watcher config with the API's actions on, the token in a file and GitHub via a token variable
    await writeFile(path.join(root, 'api-token'), `${TOKEN}\n`);
    process.env.PHOENIX_TEST_API_GITHUB_TOKEN = 'gh-token';
    const { config, service } = idleWatcherWithActions('watch', remote, 'acme/config', 'PHOENIX_TEST_API_GITHUB_TOKEN');
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

  it('from a watcher config: actions clone and push with the configured credentials, through an authenticating git server', async () => {
    // GIVEN the config repo behind a git server that accepts only the GitHub token, and a second repo on the fake
    const GH_TOKEN = 'gh-token-for-git';
    const bare = path.join(root, 'repos', 'acme', 'config-https.git');
    await mkdir(path.dirname(bare), { recursive: true });
    git(root, 'clone', '--quiet', '--bare', remote, bare);
    github.addRepo({ owner: 'acme', name: 'config-https' });
    const gitServer = await GitHttpServer.start({
      root: path.join(root, 'repos'),
      authorize: (token) => (token === GH_TOKEN ? 'ok' : 'unauthorized'),
      afterPush: (repository) => {
        for (const line of git(bare, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads').split('\n').filter(Boolean)) {
          const [ref, sha] = line.split(' ');
          github.setRef(repository, ref!.replace(/^refs\//, ''), sha!);
        }
      },
    });
    await writeFile(path.join(root, 'api-token'), `${TOKEN}\n`);
    process.env.PHOENIX_TEST_API_GIT_TOKEN = GH_TOKEN;
    const { config, service } = idleWatcherWithActions(
      'https',
      gitServer.url('acme/config-https'),
      'acme/config-https',
      'PHOENIX_TEST_API_GIT_TOKEN',
      ', ratePerMinute: 600, burst: 10',
    );
    const checked = validateServedAnswers(service.http);
    const lines: string[] = [];
    const answers: string[] = [];
    const log = pino({ level: 'trace' }, { write: (line: string) => void lines.push(line) });
    mountWatcherApi(service, config, {
      source: { view: () => buildStatusView({ generatedAt: 'x', decisions: [], states: { alpha: { dev: { phase: 'running' } } }, environmentOrder: ['dev'] }) },
      pullRequests: new Map(),
      log,
      // (as phoenix watch does: the access built once from the config; here without retries, to fail fast)
      access: createGitHubAccess(config, log, { retries: 0 }),
    });
    const url = await service.http.listen('127.0.0.1', 0);
    const auth = { authorization: `Bearer ${TOKEN}` };
    const events = readEvents(url, 1, {}, 'pull-request-opened');
    try {
      // a wrong token, a token with one more character, and a failing GitHub on the way
      for (const authorization of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`]) {
        const refused = await apiFetch(url, '/api/v1/experiments/alpha/environments/dev/pause', { method: 'POST', headers: { authorization } });
        expect(refused.status).toBe(authorization.startsWith('Basic') ? 401 : 403);
        answers.push(refused.text);
      }
      github.failNext('pulls/list', { status: 503 });
      const unavailable = await apiFetch(url, '/api/v1/experiments/alpha/environments/dev/pause', { method: 'POST', headers: auth });
      expect(unavailable.status).toBe(502);
      answers.push(unavailable.text);
      // an environment named like a member every object has is not a watched one
      for (const env of ['constructor', '__proto__', 'toString']) {
        const answer = await apiFetch<{ error: { field: string } }>(url, `/api/v1/experiments/alpha/environments/${env}/pause`, {
          method: 'POST',
          headers: auth,
        });
        expect(answer.status, env).toBe(404);
        expect(answer.body.error.field).toBe('env');
      }
      // WHEN a person pauses alpha through the API
      const answer = await apiFetch<{ status: string }>(url, '/api/v1/experiments/alpha/environments/dev/pause', { method: 'POST', headers: auth });
      // THEN the clone and the push went through with the token, and one pull request is open
      expect(answer.status, answer.text).toBe(201);
      expect(gitServer.requests.some((r) => r.service === 'receive-pack' && r.method === 'POST' && r.decision === 'ok')).toBe(true);
      expect(gitServer.requests.filter((r) => r.decision !== 'ok')).toEqual([]);
      expect(github.repo('acme/config-https').pulls.filter((p) => p.headRef === 'phoenix/pause/alpha/dev')).toHaveLength(1);
      expect(git(bare, 'show', 'phoenix/pause/alpha/dev:experiments/alpha.state.yaml')).toMatch(/phase: paused/);
      answers.push(answer.text, JSON.stringify(await events));
    } finally {
      await service.http.close();
      await gitServer.stop();
      delete process.env.PHOENIX_TEST_API_GIT_TOKEN;
    }
    expect(await checked.problems()).toEqual([]);
    // AND neither token is in any answer, event or log line (the log did record the actions)
    expect(lines.join('')).toMatch(/API action failed/);
    expect(lines.join('')).toMatch(/"msg":"API action"/);
    for (const secret of [TOKEN, GH_TOKEN]) {
      expect(answers.join('\n')).not.toContain(secret);
      expect(lines.join('')).not.toContain(secret);
    }
  });

  it('from a watcher config with a Lease: a follower answers where the leader is, and acts once it holds the Lease', async () => {
    // GIVEN another replica holding the Lease and serving its API at a known address
    const kube = new FakeKubeApi();
    await kube.start();
    const elector = (identity: string, url: string) =>
      new LeaseElector({ api: kube.kubeConfig().makeApiClient(CoordinationV1Api), namespace: 'phoenix-system', identity, leaseDurationSeconds: 60, url });
    const leader = elector('watcher-a', 'http://10.0.0.7:9464');
    expect(await leader.tryAcquire()).toBe(true);
    await writeFile(path.join(root, 'api-token'), `${TOKEN}\n`);
    process.env.PHOENIX_TEST_API_GITHUB_TOKEN = 'gh-token';
    const { config, service } = idleWatcherWithActions('lease', remote, 'acme/config', 'PHOENIX_TEST_API_GITHUB_TOKEN');
    const checked = validateServedAnswers(service.http);
    mountWatcherApi(service, config, {
      source: { view: () => buildStatusView({ generatedAt: 'x', decisions: [], states: { omega: { dev: { phase: 'pending' } } }, environmentOrder: ['dev'] }) },
      pullRequests: new Map(),
      log: pino({ level: 'silent' }),
      elector: elector('watcher-b', 'http://10.0.0.8:9464'),
    });
    const url = await service.http.listen('127.0.0.1', 0);
    const pause = () =>
      apiFetch<{ error: { code: string; message: string; leader?: unknown } }>(url, '/api/v1/experiments/omega/environments/dev/pause', {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
    try {
      // WHEN a person asks this follower
      const follower = await pause();
      // THEN it does not act, and says where the leader is
      expect(follower.status).toBe(503);
      expect(follower.headers.get('retry-after')).toBe('5');
      expect(follower.body.error).toMatchObject({ code: 'not_leader', leader: { identity: 'watcher-a', url: 'http://10.0.0.7:9464' } });
      expect(follower.body.error.message).toContain('send the request to http://10.0.0.7:9464');
      // AND once the leader gave the Lease up, the same request reaches the proposal (which refuses pausing a pending experiment)
      await leader.release();
      const acting = await pause();
      expect(acting.status).toBe(409);
      expect(acting.body.error.message).toBe('cannot pause: the experiment is pending, not running, in dev');
    } finally {
      await service.http.close();
      await kube.stop();
      delete process.env.PHOENIX_TEST_API_GITHUB_TOKEN;
    }
    expect(await checked.problems()).toEqual([]);
  });

  it('phoenix status --server reads the API: every experiment per environment, no checkout needed', async () => {
    let stdout = '';
    let stderr = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    try {
      const checked = served.count;
      expect(await runCli(['status', '--server', base, '--format', 'json'])).toBe(0);
      // (the answers the CLI received were checked against the contract on the server's side)
      expect(served.count).toBeGreaterThan(checked);
      const rows = JSON.parse(stdout) as Array<{
        experiment: string;
        environment: string;
        verdict: string;
        projectedSaving?: string;
        realizedSaving?: string;
        pullRequests: string[];
      }>;
      expect(rows.map((r) => r.experiment)).toEqual(['alpha', 'beta', 'drop-pod-labels', 'gamma']);
      expect(rows[0]).toMatchObject({ environment: 'dev', projectedSaving: '702.00 USD (no-pod)' });
      expect(rows[0]!.realizedSaving).toBeUndefined();
      stdout = '';
      expect(await runCli(['status', '--server', base])).toBe(0);
      expect(stdout.split('\n')[0]).toMatch(/^EXPERIMENT\s+ENV\s+PHASE\s+VERDICT\s+PROJECTED\/MONTH\s+SAVED\/MONTH\s+PULL REQUEST$/);
      expect(await runCli(['status', '--server', 'http://127.0.0.1:1'])).toBe(2);
      expect(stderr).toMatch(/cannot reach the watcher at http:\/\/127\.0\.0\.1:1/);
      // a watcher answering an error: its message, exit 2
      stderr = '';
      expect(await runCli(['status', '--server', base, '--env', 'mars'])).toBe(2);
      expect(stderr).toBe(`phoenix: error: the watcher at ${base} answered 404: the watcher does not watch an environment named 'mars'\n`);
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('phoenix status --server refuses an answer that is not the API, and prints no escape sequence from a server', async () => {
    let stdout = '';
    let stderr = '';
    let answer = '';
    const other = new WatcherHttpServer().route(
      '/api/v1/experiments',
      (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(answer),
    );
    const at = await other.listen('127.0.0.1', 0);
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    try {
      answer = JSON.stringify({ experiments: [{ name: 'x', environments: [{ environment: 'dev' }] }] });
      expect(await runCli(['status', '--server', at])).toBe(2);
      expect(stderr).toMatch(/answered an experiment \(#1 of \/api\/v1\/experiments\) that is not in the API's shape/);
      expect(stderr).not.toMatch(/looks like a bug|TypeError/);
      const env = { environment: 'dev', phase: 'running', verdict: 'pass', savings: {}, pullRequests: [], variants: [], decisions: [] };
      answer = JSON.stringify({ experiments: [{ name: 'evil\u001b]0;owned\u0007', environments: [env] }] });
      expect(await runCli(['status', '--server', at])).toBe(0);
      expect(stdout).toContain('evil?]0;owned?');
      expect(stdout).not.toContain('\u001b');
      expect(stdout).not.toContain('\u0007');
    } finally {
      vi.restoreAllMocks();
      await other.close();
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

describe('the decision history', () => {
  it('pages newest first, and a record landing between two pages neither repeats nor skips one', async () => {
    // GIVEN five recorded decisions of alpha in dev
    const record = (minute: number) => ({
      experiment: 'alpha',
      environment: 'dev',
      path: `experiments/decisions/alpha/dev-202611251${minute}00Z-pause.json`,
      action: minute % 2 ? 'pause' : 'resume',
      decidedAt: `2026-11-25T1${minute}:00:00Z`,
    });
    const records = [1, 2, 3, 4, 5].map(record);
    const server = new WatcherHttpServer();
    const served = validateServedAnswers(server);
    mountApi(server, {
      source: {
        view: () =>
          buildStatusView({
            generatedAt: '2026-11-25T20:00:00Z',
            decisions: [],
            states: { alpha: { dev: { phase: 'running' } } },
            environmentOrder: ['dev'],
            decisionRecords: records,
          }),
      },
      report: () => undefined,
      mode: () => 'observe',
      ready: () => true,
      environments: ['dev'],
    });
    const base = await server.listen('127.0.0.1', 0);
    type History = { decisions: Array<{ time: string }>; nextCursor?: string };
    try {
      const first = await apiFetch<History>(base, '/api/v1/experiments/alpha/decisions?limit=2');
      expect(first.body.decisions.map((d) => d.time)).toEqual(['2026-11-25T15:00:00Z', '2026-11-25T14:00:00Z']);
      // WHEN a newer record lands before the next page is asked for
      records.push(record(6));
      const second = await apiFetch<History>(base, `/api/v1/experiments/alpha/decisions?limit=2&cursor=${first.body.nextCursor}`);
      const third = await apiFetch<History>(base, `/api/v1/experiments/alpha/decisions?limit=2&cursor=${second.body.nextCursor}`);
      // THEN the pages go on where the first stopped
      expect(second.body.decisions.map((d) => d.time)).toEqual(['2026-11-25T13:00:00Z', '2026-11-25T12:00:00Z']);
      expect(third.body.decisions.map((d) => d.time)).toEqual(['2026-11-25T11:00:00Z']);
      expect(third.body.nextCursor).toBeUndefined();
      // and the list's entity tag changed with it
      const again = await apiFetch(base, '/api/v1/experiments/alpha/decisions?limit=2', { headers: { 'if-none-match': first.headers.get('etag')! } });
      expect(again.status).toBe(200);
      expect((again.body as History).decisions[0]!.time).toBe('2026-11-25T16:00:00Z');
      expect((await apiFetch<{ error: { field: string } }>(base, '/api/v1/experiments/alpha/decisions?environment=mars')).body.error.field).toBe('environment');
    } finally {
      await server.close();
    }
    expect(await served.problems()).toEqual([]);
  });
});
