import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessQuery, extractUsage, injectVariant, parsePromQL } from '../../analysis/promql';
import { PrometheusClient, type RangeSeries } from '../../clients/prometheus';
import { alignedNowSeconds, startPrometheus, toOpenMetrics, type BackfillSeries, type TestPrometheus } from '../support/prometheus';

/**
 * Proves the static verdicts on a real Prometheus 2.42: the baseline variant holds the series as
 * produced, the candidate variant the same series summed over `pod` (what a keep-attributes
 * candidate writes). Every query assessQuery calls unchanged answers the same on both variants
 * (after label injection); every query it calls changed really answers differently.
 */
const STEP = 60;
const end = alignedNowSeconds(STEP) - 3600;
const start = end - 2 * 3600;
const PODS = ['p1', 'p2', 'p3'];

function generate(): BackfillSeries[] {
  const raw: BackfillSeries[] = [];
  const times = Array.from({ length: (end - start) / STEP + 1 }, (_, i) => start + i * STEP);
  PODS.forEach((pod, p) => {
    for (const job of ['api', 'web']) {
      for (const code of ['200', '500']) {
        const rate = (p + 1) * (code === '200' ? 5 : 0.5) * (job === 'api' ? 1 : 2);
        raw.push({
          name: 'http_requests_total',
          labels: { job, code, pod },
          samples: times.map((t, i) => [t, Math.round(i * STEP * rate + (i % 7) * (p + 1))]),
        });
      }
      raw.push({ name: 'queue_depth', labels: { job, pod }, samples: times.map((t, i) => [t, ((i * (p + 2)) % 11) + p]) });
      const les = ['0.1', '0.5', '1', '+Inf'];
      les.forEach((le, l) => {
        raw.push({ name: 'd_bucket', labels: { job, le, pod }, samples: times.map((t, i) => [t, i * (l + 1) * (p + 1) + (l === 3 ? i : 0)]) });
      });
    }
  });
  const variant = (series: BackfillSeries, name: string): BackfillSeries => ({
    ...series,
    labels: { ...series.labels, phoenix_experiment: 'e', phoenix_variant: name },
  });
  const merged = new Map<string, BackfillSeries>();
  for (const s of raw) {
    const { pod: _pod, ...rest } = s.labels;
    const key = `${s.name}${JSON.stringify(rest)}`;
    const existing = merged.get(key);
    if (!existing) merged.set(key, { name: s.name, labels: rest, samples: s.samples.map(([t, v]) => [t, v] as const) });
    else merged.set(key, { ...existing, samples: existing.samples.map(([t, v], i) => [t, v + s.samples[i]![1]] as const) });
  }
  return [...raw.map((s) => variant(s, 'baseline')), ...[...merged.values()].map((s) => variant(s, 'candidate'))];
}

const QUERIES: ReadonlyArray<readonly [string, 'unchanged' | 'changed']> = [
  ['sum by (job) (rate(http_requests_total[5m]))', 'unchanged'],
  ['sum by (job, code) (increase(http_requests_total[10m]))', 'unchanged'],
  ['histogram_quantile(0.9, sum by (le, job) (rate(d_bucket[5m])))', 'unchanged'],
  ['sum(rate(http_requests_total{code="500"}[5m])) / sum(rate(http_requests_total[5m]))', 'unchanged'],
  ['sum by (job) (http_requests_total * 2)', 'unchanged'],
  ['group by (job) (queue_depth)', 'unchanged'],
  ['sum without (pod) (queue_depth)', 'unchanged'],
  ['max by (job) (queue_depth)', 'changed'],
  ['avg by (job) (queue_depth)', 'changed'],
  ['count by (job) (http_requests_total)', 'changed'],
  ['rate(http_requests_total[5m])', 'changed'],
  ['sum by (pod) (queue_depth)', 'changed'],
];

let prometheus: TestPrometheus;
let client: PrometheusClient;

beforeAll(async () => {
  prometheus = await startPrometheus({ openMetrics: toOpenMetrics(generate(), { http_requests: 'counter', queue_depth: 'gauge', d: 'histogram' }) });
  client = new PrometheusClient({ baseUrl: prometheus.url });
});
afterAll(async () => {
  await prometheus?.stop();
});

/** Series keyed by their labels without the injected phoenix_* labels. */
function keyed(result: readonly RangeSeries[]): Map<string, RangeSeries> {
  const out = new Map<string, RangeSeries>();
  for (const s of result) {
    const labels = Object.entries(s.metric)
      .filter(([k]) => !k.startsWith('phoenix_'))
      .sort(([a], [b]) => a.localeCompare(b));
    out.set(JSON.stringify(labels), s);
  }
  return out;
}

function sameValue(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === 0 || b === 0) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/** "Same answer": the same series, at the same times, with values equal within 1e-9 relative. */
function sameAnswer(a: readonly RangeSeries[], b: readonly RangeSeries[]): boolean {
  const ka = keyed(a);
  const kb = keyed(b);
  if (ka.size !== kb.size || ka.size === 0) return false;
  for (const [key, sa] of ka) {
    const sb = kb.get(key);
    if (!sb || sb.values.length !== sa.values.length) return false;
    if (!sa.values.every(([t, v], i) => sb.values[i]![0] === t && sameValue(v, sb.values[i]![1]))) return false;
  }
  return true;
}

describe('assessQuery against a real Prometheus', () => {
  it.each(QUERIES)('%s is %s when pod is summed away', async (query, expected) => {
    // GIVEN the query's usage WHEN the candidate sums every metric over pod
    const parsed = parsePromQL(query);
    if (!parsed.ok) throw new Error(parsed.problems[0]!.message);
    const usage = extractUsage(parsed.expr);
    const metrics = [...new Set(usage.selectors.map((s) => s.metric!))];
    const verdicts = metrics.map((metric) => assessQuery(usage, { kind: 'aggregate', metric, function: 'sum', remove: ['pod'] }).verdict);
    const verdict = verdicts.includes('changed') ? 'changed' : verdicts.includes('unknown') ? 'unknown' : 'unchanged';
    // THEN the static verdict is the expected one
    expect(verdict).toBe(expected);
    // AND the real answers on the two variants agree exactly when the verdict says unchanged
    const baseline = await client.queryRange(injectVariant(query, 'e', 'baseline'), start + 900, end, STEP);
    const candidate = await client.queryRange(injectVariant(query, 'e', 'candidate'), start + 900, end, STEP);
    expect(baseline.result.length).toBeGreaterThan(0);
    expect(sameAnswer(baseline.result, candidate.result)).toBe(expected === 'unchanged');
  });
});
