import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InputError } from '../../analysis/input-error';
import { CollectorPipeline, Processor, validateCollectorConfig } from '../collector';
import { validateOpenTelemetryCollector } from '../deployment/collector-resource-schema';
import type { EnvironmentLifecycle, ExperimentTarget } from './definition';
import { Experiment, type ExperimentProps } from './experiment';
import { experimentValidationProblems, shadowSummaryLines } from './summary';

const TESTDATA = `${__dirname}/testdata`;
const HISTOGRAM = 'http.server.request.duration';

function target(lifecycle: EnvironmentLifecycle = { phase: 'running' }): ExperimentTarget {
  return {
    environment: 'dev',
    namespace: 'observability',
    remoteWriteUrl: 'https://prod.example/api/v1/push',
    shadowRemoteWriteUrl: 'https://shadow.example/api/v1/push',
    scrapeIntervalSeconds: 60,
    lifecycle,
  };
}

function baseline(): CollectorPipeline {
  return CollectorPipeline.fromYaml(`${TESTDATA}/baseline.yaml`);
}

/** Keep route and status on the histogram: aggregate between delta conversions, so a reset costs only what ADR 0124 states. */
const keepRoute = () => [
  Processor.cumulativeToDelta({ name: 'keep-route', metrics: [HISTOGRAM] }),
  Processor.keepAttributes({ name: 'keep-route', metrics: [{ name: HISTOGRAM, type: 'histogram' }], keep: ['http.route', 'http.response.status_code'] }),
  Processor.deltaToCumulative({ name: 'keep-route' }),
];

function props(overrides: Partial<ExperimentProps> = {}): ExperimentProps {
  return {
    baseline: baseline(),
    candidates: [{ name: 'keep-route', processors: keepRoute(), description: 'keep service, route and status' }],
    scope: [HISTOGRAM],
    knownMetrics: [HISTOGRAM, 'http.server.active_requests'],
    guardrails: {
      queries: [{ name: 'p99 latency', expr: 'histogram_quantile(0.99, sum by (le, service) (rate(http_server_request_duration_seconds_bucket[5m])))' }],
    },
    target: target(),
    baseDirectory: TESTDATA,
    ...overrides,
  };
}

function build(overrides: Partial<ExperimentProps> = {}) {
  const chart = new Chart(Testing.app(), 'dev');
  const experiment = new Experiment(chart, 'http-histograms', props(overrides));
  return { chart, experiment };
}

function collectorOf(chart: Chart) {
  return Testing.synth(chart).find((o) => o.kind === 'OpenTelemetryCollector');
}

describe('Experiment', () => {
  it('leaves the production output byte-identical to the baseline without the experiment', () => {
    // GIVEN the baseline deployed alone, and the same baseline with a running experiment
    const alone = baseline().render();
    const { experiment } = build();
    // WHEN the production part of the experiment's config is rendered
    // THEN it is the same bytes, and the full config starts with the same production pipeline
    expect(stringify(experiment.productionConfig())).toBe(stringify(alone));
    expect(experiment.renderedConfig().service.pipelines.metrics).toEqual(alone.service.pipelines.metrics);
    // the only receiver added is the collector reading its own telemetry
    const { ['prometheus/phoenix-http-histograms-telemetry']: telemetry, ...receivers } = experiment.renderedConfig().receivers as Record<string, unknown>;
    expect(receivers).toEqual(alone.receivers);
    expect(JSON.stringify(telemetry)).toContain('127.0.0.1:8888');
  });

  it('renders the baseline exactly when pending: the deployed collector is the baseline', () => {
    const { chart, experiment } = build({ target: target({ phase: 'pending' }) });
    expect(collectorOf(chart).spec.config).toEqual(JSON.parse(JSON.stringify(baseline().render())));
    expect(experiment.summary()).toMatch(/^experiment http-histograms \(dev, pending\): production only; once running, shadows 1 scope entry .* × 2 variants/);
  });

  it('adds one shadow pipeline per variant while running, and the collector validates against the CRD', () => {
    const { chart, experiment } = build();
    const collector = collectorOf(chart);
    expect(validateOpenTelemetryCollector(collector)).toEqual([]);
    expect(Object.keys(collector.spec.config.service.pipelines).sort()).toEqual([
      'metrics',
      'metrics/phoenix-http-histograms-baseline',
      'metrics/phoenix-http-histograms-keep-route',
      'metrics/phoenix-http-histograms-telemetry',
    ]);
    expect(collector.spec.replicas).toBe(1);
    expect(collector.spec.env).toEqual([{ name: 'PHOENIX_REMOTE_WRITE_URL', value: 'https://prod.example/api/v1/push' }]);
    expect(validateCollectorConfig(experiment.renderedConfig()).filter((p) => p.severity === 'error')).toEqual([]);
    expect(experiment.variantNames).toEqual(['baseline', 'keep-route']);
    expect(experiment.shadowedMetrics()).toMatchObject({
      active: true,
      scope: { names: [HISTOGRAM], patterns: [] },
      destination: 'https://shadow.example/api/v1/push',
    });
  });

  it('keeps the shadow while paused (measured, never acted on)', () => {
    const { experiment } = build({ target: target({ phase: 'paused', reason: 'incident' }) });
    expect(experiment.shadowConfig()).toBeDefined();
    expect(experiment.summary()).toMatch(/\(paused: measured, not acted on\)$/);
  });

  it('renders production only when rolled back', () => {
    const { experiment } = build({ target: target({ phase: 'rolled-back', reason: 'p99 guardrail failed' }) });
    expect(experiment.renderedConfig()).toEqual(baseline().render());
    expect(experiment.shadowConfig()).toBeUndefined();
    expect(experiment.summary()).toBe('experiment http-histograms (dev, rolled-back): production only, no shadow');
  });

  it('makes the promoted candidate the production pipeline, without shadow', () => {
    const { experiment } = build({ target: target({ phase: 'promoted', variant: 'keep-route' }) });
    const config = experiment.renderedConfig();
    expect(config.service.pipelines.metrics.processors).toEqual([
      'memory_limiter',
      'cumulative_to_delta/keep-route',
      'transform/keep-route',
      'delta_to_cumulative/keep-route',
      'batch',
    ]);
    expect(Object.keys(config.service.pipelines)).toEqual(['metrics']);
    expect(experiment.summary()).toBe("experiment http-histograms (dev, promoted keep-route): candidate 'keep-route' runs in production, no shadow");
  });

  it('prints a one-line shadow summary found from the construct tree', () => {
    const { chart } = build();
    expect(Experiment.findAll(chart).map((e) => e.summary())).toEqual([
      `experiment http-histograms (dev, running): shadows 1 scope entry [${HISTOGRAM}] × 2 variants (baseline, keep-route) → https://shadow.example/api/v1/push`,
    ]);
  });

  it('shadowSummaryLines prints each experiment with its warnings; experimentValidationProblems lists validation errors', () => {
    const chart = new Chart(Testing.app(), 'dev');
    new Experiment(chart, 'a', props({ knownMetrics: undefined }));
    new Experiment(chart, 'b', props({ candidates: [] }));
    const lines = shadowSummaryLines(chart);
    expect(lines[0]).toMatch(/^experiment a \(dev, running\): shadows/);
    expect(lines[1]).toMatch(/^ {2}warning: dev\/a: the scope was not checked/);
    expect(lines[2]).toMatch(/^experiment b \(dev, running\): shadows 1 scope entry .* × 1 variant \(baseline\)/);
    expect(experimentValidationProblems(chart)).toEqual(["dev/b: the experiment has no candidate: add at least one { name, processors } to 'candidates'"]);
  });

  it('attaches a JSON manifest ConfigMap with variants, guardrails and promotion', () => {
    const { chart } = build({ guardrails: { ruleFiles: ['rules.yaml'], dashboards: ['dashboard.json'] } });
    const configMap = Testing.synth(chart).find((o) => o.kind === 'ConfigMap');
    expect(configMap.metadata.name).toBe('http-histograms-phoenix-experiment');
    expect(configMap.metadata.labels['phoenix.dev/experiment-manifest']).toBe('true');
    const manifest = JSON.parse(configMap.data['experiment.json']);
    expect(manifest.variants.map((v: { name: string }) => v.name)).toEqual(['baseline', 'keep-route']);
    expect(manifest.variants[1].processors[1].id).toBe('transform/keep-route');
    expect(manifest.guardrails.queries.map((q: { source: string }) => q.source)).toEqual([
      'rules.yaml:6',
      'rules.yaml:9',
      "dashboard.json: panel 'Requests' target A",
      "dashboard.json: panel 'p99' target B",
    ]);
    expect(manifest.promotion).toEqual({ windowMinutes: 60, windows: 24, consecutivePasses: 6, failureLimit: 2, bakeTimeMinutes: {} });
    expect(manifest.shadow.labels).toEqual({ experiment: 'phoenix_experiment', variant: 'phoenix_variant' });
  });

  it('the manifest snapshot', () => {
    const { experiment } = build();
    expect(experiment.manifest()).toMatchSnapshot();
  });
});

describe('Experiment bad input', () => {
  it('fails at synthesis when there is no candidate', () => {
    const app = new App({ outdir: '/tmp/phoenix-experiment-test-out' });
    const chart = new Chart(app, 'dev');
    new Experiment(chart, 'empty', props({ candidates: [] }));
    expect(() => app.synth()).toThrow(/dev\/empty: the experiment has no candidate/);
  });

  it('fails when two variants share a name or use the reserved one', () => {
    expect(() =>
      build({
        candidates: [
          { name: 'a', processors: keepRoute() },
          { name: 'a', processors: keepRoute() },
        ],
      }),
    ).toThrow(/^dev\/http-histograms: candidates\[1\]: the variant name 'a' is used twice/m);
    expect(() => build({ candidates: [{ name: 'baseline', processors: keepRoute() }] })).toThrow(/the name 'baseline' is reserved/);
    expect(() => build({ candidates: [{ name: 'telemetry', processors: keepRoute() }] })).toThrow(
      /the name 'telemetry' is reserved for the pipeline that carries the collector's own metrics/,
    );
  });

  it("fails when the baseline serves no metrics of its own (the watcher's health reads them, ADR 0127)", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'phoenix-baseline-'));
    const file = path.join(dir, 'baseline.yaml');
    writeFileSync(file, readFileSync(`${TESTDATA}/baseline.yaml`, 'utf8').replace(/level: normal/, 'level: none'));
    try {
      expect(() => build({ baseline: CollectorPipeline.fromYaml(file) })).toThrow(/the baseline's service\.telemetry\.metrics\.level is 'none'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails when the scope matches none of the known metrics', () => {
    expect(() => build({ scope: ['http.server.duration'] })).toThrow(
      /dev\/http-histograms: 'scope' entry http\.server\.duration matches none of the 2 known metrics/,
    );
  });

  it('warns when the scope cannot be checked', () => {
    const { experiment } = build({ knownMetrics: undefined });
    expect(experiment.warnings).toContain(
      "the scope was not checked against the baseline's metrics: pass 'knownMetrics' (a metric inventory) to catch a scope that matches nothing",
    );
  });

  it('fails when a candidate changes a metric outside the scope', () => {
    expect(() => build({ scope: ['http.server.active_requests'] })).toThrow(
      /'transform\/keep-route' changes 'http\.server\.request\.duration', which is outside the scope/,
    );
  });

  it('fails when an inline guardrail does not parse, with its position', () => {
    expect(() => build({ guardrails: { queries: [{ name: 'bad', expr: 'sum(rate(x[5m])' }] } })).toThrow(
      /dev\/http-histograms: guardrails\.queries\[0\] 'bad': PromQL syntax error at 1:16/,
    );
  });

  it('fails when a rule file holds a query that does not parse, naming file:line:column', () => {
    expect(() => build({ guardrails: { ruleFiles: ['broken-rules.yaml'] } })).toThrow(
      /dev\/http-histograms: broken-rules\.yaml:7:\d+: rule .Broken.: PromQL error near /,
    );
  });

  it('fails when a guardrail file does not exist, or no guardrail is given', () => {
    expect(() => build({ guardrails: { dashboards: ['missing.json'] } })).toThrow(/guardrails\.dashboards: 'missing\.json' does not exist/);
    expect(() => build({ guardrails: {} })).toThrow(/'guardrails' holds no query/);
  });

  it('fails when the state names an unknown phase or promotes a variant that is not a candidate', () => {
    expect(() => build({ target: target({ phase: 'started' as never }) })).toThrow(/unknown lifecycle phase 'started'/);
    expect(() => build({ target: target({ phase: 'promoted', variant: 'gone' }) })).toThrow(
      /promotes 'gone', which is not a candidate \(candidates: keep-route\)/,
    );
  });

  it('fails when the shadow destination is a production target', () => {
    expect(() => build({ shadow: { remoteWriteUrl: 'https://prod.example/api/v1/push' } })).toThrow(/is a production write target/);
  });

  it('fails when the window is shorter than four scrape intervals', () => {
    expect(() => build({ promotion: { windowMinutes: 2 } })).toThrow(/promotion\.windowMinutes \(2\) must be at least 4 × the scrape interval \(60 s\)/);
  });

  it('fails when the aggregating experiment asks for several replicas', () => {
    expect(() => build({ collector: { replicas: 3 } })).toThrow(/'replicas' \(3\) must be 1: the pipeline aggregates series/);
  });

  it('fails when the baseline is invalid, naming the experiment and the file line', () => {
    const broken = baseline();
    broken.addPipeline('metrics/other', { receivers: ['otlp'], exporters: ['missing'] });
    expect(() => build({ baseline: broken })).toThrow(/^dev\/http-histograms: baseline: .*missing/m);
  });

  it('reports every problem at once', () => {
    try {
      build({ scope: [], promotion: { failureLimit: 0 }, guardrails: { queries: [{ name: 'x', expr: 'up{' }] } });
      expect.unreachable();
    } catch (error) {
      expect((error as { problems: string[] }).problems.length).toBeGreaterThanOrEqual(3);
      expect(error).toBeInstanceOf(InputError);
    }
  });
});
