import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../app/cli/program';
import { loadWatcherConfig, parseWatcherConfig } from '../../app/watcher/config';
import { loadRepoInputs } from '../../app/watcher/repo-inputs';
import { WatcherService, type ExperimentsResponse } from '../../app/watcher/service';
import { runCycle } from '../../app/watcher/cycle';
import { createGitHubClient } from '../../clients/github/octokit';
import type { FakeKubeApi } from '../support/fake-kube-api';
import { FakeGitHub } from '../support/fake-github';
import { startPrometheus, type TestPrometheus } from '../support/prometheus';
import { runPhoenix } from '../support/run-phoenix';
import { createWatcherRepo, type WatcherRepo } from '../support/watcher-repo';
import { buildScenarioSet, type ScenarioSet } from '../support/watcher-scenarios';
import { spawnWatcher, startFluxApi, writeWatcherConfig } from '../support/watcher-setup';

const silent = pino({ level: 'silent' });

describe('phoenix watch (observe mode) over a real git repo, a real Prometheus and the real Kubernetes client', () => {
  let prometheus: TestPrometheus;
  let kube: FakeKubeApi;
  let set: ScenarioSet;
  let repo: WatcherRepo;
  let configFile: string;

  beforeAll(async () => {
    set = buildScenarioSet({ win: 'clear-win', broken: 'guardrail-broken', stale: 'clear-win' });
    prometheus = await startPrometheus({ openMetrics: set.openMetrics() });
    repo = createWatcherRepo(set, prometheus.url);
    const since = set.experiments[0]!.environments.dev!.lifecycle.since!;
    kube = await startFluxApi(repo.scratch, { win: `main@sha1:${repo.head}`, broken: `main@sha1:${repo.head}`, stale: `main@sha1:${'9'.repeat(40)}` }, since);
    configFile = writeWatcherConfig(path.join(repo.scratch, 'watcher.yaml'), {
      url: repo.remote,
      settings: ['intervalSeconds: 60', 'server: { host: 127.0.0.1, port: 0 }', 'prometheus: { attempts: 2, timeoutMs: 3000 }'],
    });
  });
  afterAll(async () => {
    await prometheus?.stop();
    await kube?.stop();
  });

  it('serves decisions with evidence, metrics, health and readiness, and extra routes on the same port', async () => {
    // GIVEN the watcher over the config repo, Flux status from the Kubernetes API
    const config = loadWatcherConfig(configFile);
    const service = new WatcherService({ loadInputs: () => loadRepoInputs(config), intervalSeconds: 60, attempts: 2, log: silent, now: () => set.now });
    service.http.route('/', (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>status</h1>'));
    const url = await service.http.listen('127.0.0.1', 0);
    try {
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
      // WHEN one cycle runs
      await service.runOnce();
      // THEN the report shows each experiment's verdict and evidence
      const body = service.experiments() as ExperimentsResponse;
      const byName = Object.fromEntries(body.experiments.map((e) => [e.experiment, e]));
      expect(body.mode).toBe('observe');
      expect(byName.win!.decisions[0]).toMatchObject({ action: 'promote', verdict: 'pass', environment: 'dev' });
      expect(byName.win!.decisions[0]!.evidence.deployment).toMatchObject({ source: 'kubernetes', current: true });
      expect(byName.broken!.decisions[0]).toMatchObject({ action: 'rollback', verdict: 'fail' });
      expect(byName.stale!.decisions[0]).toMatchObject({ action: 'none', verdict: 'inconclusive' });
      expect(byName.stale!.decisions[0]!.reason).toMatch(/not in the config repo clone/);
      // and the metrics follow Prometheus conventions
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/^phoenix_watcher_cycles_total\{outcome="ok"\} 1$/m);
      expect(metrics).toMatch(/^phoenix_watcher_verdicts_total\{verdict="pass",action="promote"\} 1$/m);
      expect(metrics).toMatch(/^phoenix_watcher_cycle_duration_seconds_count 1$/m);
      expect(metrics).toMatch(/^phoenix_watcher_query_errors_total\{kind="unavailable"\} 0$/m);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect(await (await fetch(`${url}/`)).text()).toBe('<h1>status</h1>');
      expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
    } finally {
      await service.stop();
    }
  });

  it('reports the Kubernetes API and Prometheus being down as inconclusive and recovers', async () => {
    const config = loadWatcherConfig(configFile);
    const service = new WatcherService({ loadInputs: () => loadRepoInputs(config), intervalSeconds: 60, attempts: 1, log: silent, now: () => set.now });
    // GIVEN the Kubernetes API answers 503
    kube.failWith = 503;
    const down = await service.runOnce();
    expect(down!.problems.join('\n')).toMatch(/cannot read Flux status.*503/);
    expect(down!.decisions.every((d) => d.verdict === 'inconclusive' && d.action === 'none')).toBe(true);
    // WHEN it recovers but Prometheus is stopped
    kube.failWith = undefined;
    await prometheus.kill();
    const noMetrics = await service.runOnce();
    expect(noMetrics!.problems.join('\n')).toMatch(/cannot reach Prometheus/);
    expect(noMetrics!.decisions.every((d) => d.action === 'none')).toBe(true);
    // THEN the next cycle with everything up decides again
    await prometheus.restart();
    const up = await service.runOnce();
    expect(up!.decisions.find((d) => d.experiment === 'win')!.action).toBe('promote');
    expect(await service.metrics.registry.getSingleMetricAsString('phoenix_watcher_cycles_total')).toMatch(/outcome="degraded"\} 2/);
  });

  it('reads Flux status from the commit statuses Flux posts to GitHub (fake validated against the OpenAPI description)', async () => {
    // GIVEN the dev cluster's notification-controller reported success for win and failure for broken on HEAD
    const github = await FakeGitHub.start();
    try {
      github.addRepo({ owner: 'acme', name: 'metrics-config' });
      const flux = createGitHubClient({ auth: 'flux-token', baseUrl: github.baseUrl, throttle: false, retries: 0 });
      const post = (name: string, state: 'success' | 'failure') =>
        flux.rest.repos.createCommitStatus({
          owner: 'acme',
          repo: 'metrics-config',
          sha: repo.head,
          state,
          context: `kustomization/phoenix-experiment-${name}/a1b2c3d4`,
          description: `reconciliation ${state}`,
        });
      await post('win', 'success');
      await post('broken', 'failure');
      const file = path.join(repo.scratch, 'watcher-commit-status.yaml');
      writeFileSync(
        file,
        [
          `repository: { url: ${repo.remote}, workDir: ./work-commit-status }`,
          'environments:',
          '  dev:',
          `    flux: { source: commit-status, repository: acme/metrics-config, providerUid: a1b2c3d4, apiUrl: '${github.baseUrl}', token: { env: PHOENIX_TEST_GITHUB_TOKEN } }`,
          '    prometheus:',
          '      matchers: [\'phoenix_env="dev"\']',
          '',
        ].join('\n'),
      );
      process.env.PHOENIX_TEST_GITHUB_TOKEN = 'watcher-token';
      // WHEN a cycle runs
      const report = await runCycle(await loadRepoInputs(loadWatcherConfig(file)), set.now, { attempts: 1, concurrency: 4 });
      // THEN win is measured and promoted, broken is not ready, stale has no status
      const by = (name: string) => report.decisions.find((d) => d.experiment === name)!;
      expect(by('win')).toMatchObject({ action: 'promote' });
      expect(by('win').evidence.deployment).toMatchObject({ source: 'commit-status', current: true, revision: `sha1:${repo.head}` });
      expect(by('broken')).toMatchObject({ action: 'none', verdict: 'inconclusive' });
      expect(by('broken').reason).toMatch(/not Ready: Flux reported failure/);
      expect(by('stale').reason).toMatch(/no Flux status for kustomization\/phoenix-experiment-stale/);
      github.assertValid();
    } finally {
      delete process.env.PHOENIX_TEST_GITHUB_TOKEN;
      await github.stop();
    }
  });

  it('runs one cycle from the CLI with --once and prints the decisions as JSON', async () => {
    // Real time: the backfilled data lies hours back, so the newest windows have none (inconclusive).
    const { code, stdout } = await runPhoenix(['watch', '--config', configFile, '--once', '--log-level', 'silent'], process.cwd());
    expect(code).toBe(0);
    const body = JSON.parse(stdout) as ExperimentsResponse;
    expect(body.experiments.map((e) => e.experiment).sort()).toEqual(['broken', 'stale', 'win']);
    expect(body.experiments.every((e) => e.decisions.every((d) => d.action === 'none'))).toBe(true);
  });

  it('serves until SIGTERM, then finishes the running cycle and exits 0', async () => {
    // GIVEN the CLI running the service as its own process
    const { child, listening, exited, stderr } = spawnWatcher(configFile);
    try {
      const url = await listening;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      // WHEN it receives SIGTERM
      child.kill('SIGTERM');
      // THEN it stops cleanly, and its logs never carry a credential
      expect(await exited).toBe(0);
      expect(stderr()).toMatch(/"msg":"watcher stopped"/);
      expect(stderr()).not.toMatch(/fake-token/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('fails when the config is invalid, naming file:line and field', () => {
    expect(() =>
      parseWatcherConfig('repository:\n  url: x\nenvironments:\n  dev:\n    flux: { source: kubelet }\n    prometheus: { matchers: [oops] }\n', 'watch.yaml'),
    ).toThrow(/watch\.yaml:5: environments\.dev\.flux\.source: must be one of "kubernetes", "commit-status"/);
    expect(() => parseWatcherConfig('repository: { url: x }\nenvironment: {}\n', 'w.yaml')).toThrow(
      /w\.yaml:1: environments: missing required field\nw\.yaml:2: environment: unknown field/,
    );
    expect(() =>
      parseWatcherConfig('repository: { url: x }\nenvironments:\n  dev:\n    flux: { source: commit-status, repository: acme/config }\n', 'w.yaml'),
    ).toThrow(/environments\.dev\.flux\.token: missing required field/);
  });

  it('fails with exit 2 for an unknown mode or an unreadable config', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'phoenix-watch-cli-'));
    expect(await runCli(['watch', '--config', path.join(dir, 'missing.yaml'), '--once'])).toBe(2);
    expect(await runCli(['watch', '--config', configFile, '--mode', 'propose', '--once'])).toBe(2);
  });
});
