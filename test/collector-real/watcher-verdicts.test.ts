import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Decision, EnvironmentInput, ExperimentInput } from '../../analysis/decide/types';
import type { ExperimentsResponse } from '../../app/watcher/service';
import type { CollectorComponent } from '../../constructs/collector/component';
import type { CollectorConfig } from '../../constructs/collector/config';
import { normaliseScope } from '../../constructs/experiment/scope';
import { renderShadowConfig } from '../../constructs/experiment/shadow';
import { startSampleExposition, type SampleExposition } from '../support/exposition';
import { startPrometheus, type TestPrometheus } from '../support/prometheus';
import { startCollector, type TestCollector } from '../support/collector-run';
import type { FakeKubeApi } from '../support/fake-kube-api';
import { runPhoenix } from '../support/run-phoenix';
import { createWatcherRepo } from '../support/watcher-repo';
import type { ScenarioSet } from '../support/watcher-scenarios';
import { startFluxApi, writeWatcherConfig } from '../support/watcher-setup';

/**
 * The watcher over what the real collector emits (ADR 0127): a steady application served over
 * loopback, the pinned collector running a shadow config rendered by the constructs (a lossless
 * and a harmful candidate), a real Prometheus receiving the remote write, and `phoenix watch
 * --once` in observe mode over it (a real git config repo, Flux status from a fake Kubernetes
 * API). Short windows: 20 s, scraped every 2 s.
 */
const SCRAPE_SECONDS = 2;
const WINDOW_SECONDS = 20;
const EXPERIMENT = 'app-requests';

function filter(id: string, metrics: Record<string, string[]>): CollectorComponent {
  return { kind: 'processor', type: 'filter', id, render: () => ({ error_mode: 'ignore', metrics: structuredClone(metrics) }) };
}

describe('the watcher over real collector output', () => {
  let app: SampleExposition;
  let prometheus: TestPrometheus;
  let collector: TestCollector;
  let kube: FakeKubeApi;
  let decisions: Decision[];
  let scratch: string | undefined;

  beforeAll(async () => {
    // GIVEN an application with 2 routes × 3 pods of request counters and an unused debug gauge
    // (counters grow with real time at fixed rates, so every pair of scrapes gives the same rate)
    const started = Date.now();
    const counters = ['/a', '/b'].flatMap((route, r) => ['p1', 'p2', 'p3'].map((pod, p) => ({ route, pod, perSecond: 1 + r + p / 2 })));
    app = await startSampleExposition(
      () => {
        const seconds = (Date.now() - started) / 1000;
        return [
          ...counters.map(({ route, pod, perSecond }) => ({ name: 'app_requests_total', labels: { route, pod }, value: perSecond * seconds })),
          ...['p1', 'p2', 'p3'].map((pod) => ({ name: 'app_debug_info', labels: { pod }, value: 1 })),
        ];
      },
      new Map([
        ['app_requests', 'counter'],
        ['app_debug_info', 'gauge'],
      ]),
    );
    prometheus = await startPrometheus({ remoteWriteReceiver: true, lookbackDelta: '30s' });
    const baseline: CollectorConfig = {
      receivers: {
        prometheus: { config: { scrape_configs: [{ job_name: 'app', scrape_interval: `${SCRAPE_SECONDS}s`, static_configs: [{ targets: [app.target] }] }] } },
      },
      exporters: { debug: { verbosity: 'basic' } },
      extensions: { health_check: {} },
      service: {
        extensions: ['health_check'],
        pipelines: { metrics: { receivers: ['prometheus'], exporters: ['debug'] } },
      },
    };
    // … a lossless candidate (drops the unused gauge) and a harmful one (drops one pod's requests)
    const config = renderShadowConfig({
      experiment: EXPERIMENT,
      baseline,
      pipeline: 'metrics',
      scope: normaliseScope([/app_.*/]).scope,
      candidates: [
        { name: 'drop-debug', processors: [filter('filter/drop-debug', { metric: ['IsMatch(name, "^app_debug.*")'] })] },
        { name: 'drop-pod', processors: [filter('filter/drop-pod', { datapoint: ['attributes["pod"] == "p2"'] })] },
      ],
      destination: { remoteWriteUrl: `${prometheus.url}/api/v1/write` },
      scrapeIntervalSeconds: SCRAPE_SECONDS,
    });
    // (the test runner moves health_check and the collector's own metrics to free loopback ports)
    collector = await startCollector({ config: config as unknown as Record<string, unknown> });
    // WHEN the collector has run for two complete windows after its first scrape
    const firstComplete = Math.ceil((Date.now() / 1000 + SCRAPE_SECONDS) / WINDOW_SECONDS) * WINDOW_SECONDS + WINDOW_SECONDS;
    const now = firstComplete + WINDOW_SECONDS + 3;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, now * 1000 - Date.now())));
    // … and `phoenix watch --once` runs in observe mode over that Prometheus
    const environment: EnvironmentInput = {
      name: 'dev',
      promotionOrder: 0,
      bakeTimeMinutes: 0,
      scrapeIntervalSeconds: SCRAPE_SECONDS,
      priceModel: { currency: 'USD', perThousandSeriesMonth: '6.50' },
    };
    const experiment: ExperimentInput = {
      name: EXPERIMENT,
      variants: [
        { name: 'baseline', specHash: 'b' },
        { name: 'drop-debug', specHash: 'd' },
        { name: 'drop-pod', specHash: 'p' },
      ],
      guardrails: [{ id: 'requests-by-route', query: `sum by (route) (rate(app_requests_total[${4 * SCRAPE_SECONDS}s]))`, relativeTolerance: 0.02 }],
      promotion: { windowMinutes: WINDOW_SECONDS / 60, consecutivePasses: 1, failureLimit: 1, minSavingsPercent: 1, windows: 2 },
    };
    const since = new Date((now - 3600) * 1000).toISOString();
    const set = {
      environments: [environment],
      experiments: [{ name: EXPERIMENT, environments: { dev: { experiment, lifecycle: { phase: 'running', since } } } }],
    } as unknown as ScenarioSet;
    const repo = createWatcherRepo(set, prometheus.url);
    scratch = repo.scratch;
    kube = await startFluxApi(repo.scratch, { [EXPERIMENT]: `main@sha1:${repo.head}` }, since);
    const configFile = writeWatcherConfig(path.join(repo.scratch, 'watcher.yaml'), {
      url: repo.remote,
      settings: ['mode: observe', 'server: { host: 127.0.0.1, port: 0 }', 'prometheus: { attempts: 2, timeoutMs: 10000 }'],
      matchers: [],
    });
    const { code, stdout } = await runPhoenix(['watch', '--config', configFile, '--once', '--log-level', 'silent'], process.cwd());
    expect(code, stdout).toBe(0);
    const body = JSON.parse(stdout) as ExperimentsResponse;
    decisions = body.experiments.filter((e) => e.experiment === EXPERIMENT).flatMap((e) => e.decisions);
  }, 120_000);

  afterAll(async () => {
    await collector?.stop();
    await kube?.stop();
    await prometheus?.stop();
    await app?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  const decision = (variant: string): Decision => decisions.find((d) => d.variant === variant)!;

  it('finds every variant with the shared queries, and reads the exporter counters the collector emits per variant', () => {
    expect(decisions.map((d) => d.variant).sort(), collector.log()).toEqual(['drop-debug', 'drop-pod']);
    for (const variant of ['drop-debug', 'drop-pod']) {
      const newest = decision(variant).windows.at(-1)!;
      expect(newest.baselineCost?.activeSeries, variant).toBeGreaterThan(0);
      expect(newest.candidateCost?.activeSeries, variant).toBeGreaterThan(0);
      for (const id of ['otelcol_exporter_send_failed_metric_points', 'otelcol_exporter_enqueue_failed_metric_points']) {
        const check = newest.checks.find((c) => c.kind === 'health' && c.id === id);
        expect(check, `${variant} ${id}`).toMatchObject({ verdict: 'pass', baseline: 0, candidate: 0 });
      }
    }
  });

  it('passes the lossless candidate, with a saving', () => {
    const lossless = decision('drop-debug');
    expect(lossless.verdict, JSON.stringify(lossless.windows.at(-1)!.checks)).toBe('pass');
    expect(lossless.windows.at(-1)!.checks.find((c) => c.id === 'requests-by-route')!.verdict).toBe('pass');
    expect(lossless.savingPercent).toBeGreaterThan(0);
  });

  it('fails the harmful candidate on its guardrail', () => {
    const harmful = decision('drop-pod');
    expect(harmful.verdict).toBe('fail');
    const check = harmful.windows.at(-1)!.checks.find((c) => c.id === 'requests-by-route')!;
    expect(check.verdict).toBe('fail');
    expect(harmful.action).toBe('rollback');
  });
});
