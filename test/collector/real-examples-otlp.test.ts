import { afterAll, describe, expect, it } from 'vitest';
import { compareRangeResults } from '../../analysis/compare';
import { prometheusMetricName } from '../../analysis/naming';
import { injectVariant } from '../../analysis/promql';
import type { MetricType, Series } from '../../analysis/series';
import { simulatePipeline, simulateValues } from '../../analysis/simulate';
import { PrometheusClient } from '../../clients/prometheus';
import { landedDifferences, landedSeries, logTail, renderShippedExample, startRenderedCollector, type TestCollector } from '../support/collector-run';
import { pushOtlp, type OtlpMetric } from '../support/otlp-push';
import { startPrometheus, type TestPrometheus } from '../support/prometheus';

// The shipped OTLP examples, rendered from their definitions, run in the REAL collector: OTLP/HTTP
// pushes (two pods, OpenTelemetry names and units) go through production and every shadow variant
// into a real Prometheus. Production's landed series are the simulation's input (as a snapshot of
// production is); every shadow variant lands what analysis/simulate predicts from them (1e-9).

const PUSHES = 6;
let prometheus: TestPrometheus | undefined;
const collectors: TestCollector[] = [];

afterAll(async () => {
  for (const c of collectors) await c.stop();
  await prometheus?.stop();
});

const typeOf = (name: string): MetricType => (name.endsWith('_total') ? 'counter' : /_(bucket|sum|count)$/.test(name) ? 'histogram' : 'gauge');
// otel_scope_* stay: the simulation keeps them through attribute processors, as the collector does
const strip = (metric: Record<string, string>) => Object.fromEntries(Object.entries(metric).filter(([k]) => k !== '__name__'));

async function runExample(name: string, metricsAt: (n: number, pod: number) => OtlpMetric[], selector: string) {
  prometheus ??= await startPrometheus({ remoteWriteReceiver: true, lookbackDelta: '3s' });
  const client = new PrometheusClient({ baseUrl: prometheus.url });
  const { config, experiment } = renderShippedExample(name, prometheus);
  const collector = await startRenderedCollector(config, prometheus);
  collectors.push(collector);
  const endpoint = [...collector.endpoints.entries()].find(([id]) => id.endsWith('/http'))![1];
  const start = Date.now() - 60_000;
  let last = 0;
  const pushTimes: number[] = [];
  for (let n = 0; n < PUSHES; n++) {
    last = Date.now();
    pushTimes.push(last / 1000);
    for (const pod of [0, 1])
      await pushOtlp(endpoint, { 'service.name': name, 'service.instance.id': `pod-${pod}`, 'host.name': `node-${pod}` }, metricsAt(n, pod), last, start);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const at = last / 1000 + 1;
  const matrix = async (expr: string) => {
    const r = await client.query(expr, at);
    if (r.resultType !== 'matrix') throw new Error(`expected a matrix for ${expr}`);
    return r.result;
  };
  const production = await matrix(`{__name__=~"${selector}", phoenix_variant=""}[2m]`);
  if (production.length === 0) throw new Error(`nothing landed for production:\n${logTail(collector)}`);
  return { client, config, experiment, production, matrix, at, pushTimes };
}

function expectVariantsAsSimulated(run: Awaited<ReturnType<typeof runExample>>, name: string, selector: string) {
  return async () => {
    const input: Series[] = run.production.map((s) => ({ name: s.metric.__name__!, labels: strip(s.metric), type: typeOf(s.metric.__name__!) }));
    const samples = run.production.map((s) => s.values.map(([t, v]) => [t, v] as [number, number]));
    const sizes = new Map<string, number>();
    for (const variant of run.experiment.variantNames) {
      const predicted = simulateValues(simulatePipeline(run.config, `metrics/phoenix-${name}-${variant}`, input, { trackValues: true }).output, samples);
      const real = await landedSeries(run.client, `{__name__=~"${selector}", phoenix_experiment="${name}", phoenix_variant="${variant}"}[2m]`, run.at, {
        keepScope: true,
      });
      expect(real.size, variant).toBe(predicted.length);
      expect(landedDifferences(real, predicted), variant).toEqual([]);
      sizes.set(variant, real.size);
    }
    // not a comparison of empty sets: the baseline lands every input series, the candidates fewer
    expect(sizes.get('baseline')).toBe(input.length);
    expect(Math.min(...[...sizes].filter(([v]) => v !== 'baseline').map(([, n]) => n))).toBeLessThan(input.length);
  };
}

describe('unused-runtime-metrics in the real collector', () => {
  const metricsAt = (n: number, pod: number): OtlpMetric[] => [
    { name: 'process.runtime.go.goroutines', unit: '{goroutine}', kind: 'gauge', points: [{ attributes: {}, value: 40 + n + pod }] },
    { name: 'process.runtime.go.gc.count', unit: '{count}', kind: 'sum', points: [{ attributes: {}, value: 100 + 3 * n + pod }] },
    { name: 'process.runtime.go.mem.heap_alloc', unit: 'By', kind: 'gauge', points: [{ attributes: {}, value: 1e6 * (n + 1) }] },
  ];
  const selector = 'process_runtime_go_.+';
  let run: Awaited<ReturnType<typeof runExample>>;

  it('names round-trip: OpenTelemetry names and units become the Prometheus names analysis/naming predicts, job/instance from the resource', async () => {
    run = await runExample('unused-runtime-metrics', metricsAt, selector);
    const names = new Set(run.production.map((s) => s.metric.__name__));
    for (const m of metricsAt(0, 0)) expect(names).toContain(prometheusMetricName({ name: m.name, type: m.kind === 'sum' ? 'sum' : 'gauge', unit: m.unit }));
    expect(new Set(run.production.map((s) => `${s.metric.job}/${s.metric.instance}`))).toEqual(
      new Set(['unused-runtime-metrics/pod-0', 'unused-runtime-metrics/pod-1']),
    );
    const info = await run.matrix(`target_info{phoenix_variant="drop-gc-heap"}[2m]`);
    expect(info.map((s) => s.metric.host_name).sort()).toEqual(['node-0', 'node-1']);
  }, 60_000);

  it('every variant lands what the simulation predicts', async () => expectVariantsAsSimulated(run, 'unused-runtime-metrics', selector)(), 30_000);
});

describe('http-server-histograms in the real collector', () => {
  const BOUNDS = [0.1, 0.5, 1];
  const metricsAt = (n: number, pod: number): OtlpMetric[] => [
    {
      name: 'http.server.request.duration',
      unit: 's',
      kind: 'histogram',
      points: ['/pay', '/refund'].flatMap((route, r) =>
        ['200', '500'].flatMap((code, c) =>
          ['GET', 'POST'].map((method, m) => {
            const k = (n + 1) * (1 + r + c + m + pod);
            return {
              attributes: { 'http.route': route, 'http.response.status_code': code, 'http.request.method': method },
              histogram: { bounds: BOUNDS, counts: [k, 2 * k, k, c], sum: k * 0.75 + c },
            };
          }),
        ),
      ),
    },
  ];
  const selector = 'http_server_request_duration_seconds_.+';
  let run: Awaited<ReturnType<typeof runExample>>;

  it('names round-trip: the histogram lands as _bucket/_sum/_count in seconds, http.route as http_route', async () => {
    run = await runExample('http-server-histograms', metricsAt, selector);
    const names = new Set(run.production.map((s) => s.metric.__name__));
    expect([...names].sort()).toEqual([
      'http_server_request_duration_seconds_bucket',
      'http_server_request_duration_seconds_count',
      'http_server_request_duration_seconds_sum',
    ]);
    expect(run.production.every((s) => s.metric.http_route !== undefined && s.metric.http_response_status_code !== undefined)).toBe(true);
  }, 60_000);

  it('every variant lands what the simulation predicts', async () => expectVariantsAsSimulated(run, 'http-server-histograms', selector)(), 30_000);

  it('zero loss: every guardrail (alerts also without their threshold) of route-status answers as the baseline; route-only is caught', async () => {
    const short = (expr: string) => expr.replace(/\[5m\]/g, '[3s]');
    // after each stream's first point (dropped by cumulativetodelta) has left the window
    const from = run.pushTimes[3]! + 0.5;
    const to = run.pushTimes[PUSHES - 1]! + 0.5;
    const answer = async (expr: string, variant: string) =>
      (await run.client.queryRange(short(injectVariant(expr, 'http-server-histograms', variant)), from, to, 0.25)).result;
    const queries = run.experiment.guardrails.queries.flatMap((q) => {
      const m = /^([\s\S]*\S)\s*>\s*[0-9.]+\s*$/.exec(q.expr);
      return m ? [q.expr, m[1]!] : [q.expr];
    });
    expect(queries.length).toBeGreaterThanOrEqual(5);
    const caught: string[] = [];
    for (const query of queries) {
      const baseline = await answer(query, 'baseline');
      const same = compareRangeResults(baseline, await answer(query, 'route-status'), { ignoreLabels: ['phoenix_variant'] });
      expect(same.differences, query).toEqual([]);
      if (!/>\s*[0-9.]+\s*$/.test(query)) expect(same.comparedPoints, query).toBeGreaterThan(0);
      if (!compareRangeResults(baseline, await answer(query, 'route-only'), { ignoreLabels: ['phoenix_variant'] }).same) caught.push(query);
    }
    expect(caught.some((q) => q.includes('http_response_status_code=~"5.."'))).toBe(true);
  }, 30_000);
});
