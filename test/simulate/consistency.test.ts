import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRangeResults } from '../../analysis/compare';
import { assessGuardrail } from '../../analysis/cost';
import { injectVariant } from '../../analysis/promql';
import type { Series } from '../../analysis/series';
import { simulateProcessors, simulateValues, summarizeChanges, type ConfiguredProcessor } from '../../analysis/simulate';
import { PrometheusClient } from '../../clients/prometheus';
import { alignedNowSeconds, startPrometheus, toOpenMetrics, type BackfillSeries, type TestPrometheus } from '../support/prometheus';

// The simulation's promise, checked on a real Prometheus: the simulated output of a candidate,
// backfilled beside its input (distinguished by phoenix_variant), answers every query the static
// assessment calls "unchanged" the same; a harmful candidate is caught by both.

const EXPERIMENT = 'consistency';
const STEP = 60;
const end = alignedNowSeconds(STEP) - 3600;
const start = end - 2 * 3600;
const times = Array.from({ length: (end - start) / STEP + 1 }, (_, i) => start + i * STEP);

// GIVEN per-pod HTTP counters with per-user and per-method labels (one pod restarts mid-window: its
// counters and histograms start again from zero) and a per-shard queue gauge
const RESET_INDEX = 60;
const BUCKETS = [0.1, 0.5, 1, Infinity];
const input: Series[] = [];
const samples: Array<Array<[number, number]>> = [];
let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
for (const pod of ['api-0', 'api-1', 'api-2']) {
  for (const route of ['/users', '/orders']) {
    for (const method of ['GET', 'POST']) {
      for (const user of ['u1', 'u2', 'u3']) {
        input.push({ name: 'http_requests_total', labels: { job: 'api', instance: pod, route, method, user_id: user }, type: 'counter' });
        let value = Math.floor(random() * 1000);
        samples.push(
          times.map((t, i) => {
            if (pod === 'api-1' && i === RESET_INDEX) value = 0; // the pod restarted: its counters start again
            value += Math.floor(random() * 20);
            return [t, value];
          }),
        );
      }
    }
  }
  // a latency histogram per pod, route and method: cumulative buckets, sum and count
  for (const route of ['/users', '/orders']) {
    for (const method of ['GET', 'POST']) {
      const labels = { job: 'api', instance: pod, route, method };
      const buckets = [0, 0, 0, 0];
      let sum = 0;
      const bucketSamples = buckets.map(() => [] as Array<[number, number]>);
      const sumSamples: Array<[number, number]> = [];
      times.forEach((t, i) => {
        if (pod === 'api-1' && i === RESET_INDEX) {
          buckets.fill(0);
          sum = 0;
        }
        const observations = Math.floor(random() * 10);
        for (let o = 0; o < observations; o++) {
          const latency = random() * 2;
          sum += Math.round(latency * 1000) / 1000;
          for (let b = 0; b < BUCKETS.length; b++) if (latency <= BUCKETS[b]!) buckets[b]! += 1;
        }
        buckets.forEach((count, b) => bucketSamples[b]!.push([t, count]));
        sumSamples.push([t, sum]);
      });
      BUCKETS.forEach((le, b) => {
        input.push({ name: 'http_server_duration_seconds_bucket', labels: { ...labels, le: le === Infinity ? '+Inf' : String(le) }, type: 'histogram' });
        samples.push(bucketSamples[b]!);
      });
      input.push({ name: 'http_server_duration_seconds_sum', labels, type: 'histogram' });
      samples.push(sumSamples);
      input.push({ name: 'http_server_duration_seconds_count', labels, type: 'histogram' });
      samples.push(bucketSamples[BUCKETS.length - 1]!);
    }
  }
  for (const shard of ['0', '1', '2', '3']) {
    input.push({ name: 'queue_depth', labels: { job: 'api', instance: pod, route: '/orders', shard }, type: 'gauge' });
    samples.push(times.map((t) => [t, Math.floor(random() * 100)]));
  }
}

const transform = (id: string, statements: Array<[string, string[]]>): ConfiguredProcessor => ({
  id,
  config: { error_mode: 'ignore', metric_statements: statements.map(([context, list]) => ({ context, statements: list })) },
});
const deltaWrapped = (inner: ConfiguredProcessor[]): ConfiguredProcessor[] => [
  { id: 'cumulativetodelta', config: { include: { metrics: ['http.requests', 'http.server.duration'], match_type: 'strict' } } },
  ...inner,
  { id: 'deltatocumulative', config: {} },
];

/** Merges the HTTP counters of every pod per route: strip the instance, regroup, sum. */
const acrossPods = (): ConfiguredProcessor[] => [
  transform('transform/strip', [['resource', ['keep_keys(attributes, ["service.name"])']]]),
  { id: 'groupbyattrs', config: {} },
  transform('transform/keep', [['metric', ['aggregate_on_attributes("sum", ["route"]) where name == "http.requests"']]]),
];

const candidates: Record<string, ConfiguredProcessor[]> = {
  // lossless: merge users and methods per pod and route (sum, between delta conversions); max over shards
  lossless: deltaWrapped([
    transform('transform/keep', [
      ['datapoint', ['keep_keys(attributes, ["route"]) where metric.name == "http.requests" or metric.name == "http.server.duration"']],
      [
        'metric',
        [
          'aggregate_on_attributes("sum", ["route"]) where name == "http.requests" or name == "http.server.duration"',
          'aggregate_on_attributes("max", ["route"]) where name == "queue_depth"',
        ],
      ],
    ]),
  ]),
  // the same merge on cumulative counters, without delta conversion: exact until a merged counter resets
  'cumulative-sum': acrossPods(),
  // the same merge between delta conversions: a reset in one pod loses only its first value after the restart
  'across-pods': deltaWrapped(acrossPods()),
  // harmful: drops the route a dashboard groups by
  'drops-route': deltaWrapped([transform('transform/keep', [['metric', ['aggregate_on_attributes("sum", ["method"]) where name == "http.requests"']]])]),
  // harmful: sums the gauge that an alert takes the max of
  'sums-gauge': [transform('transform/keep', [['metric', ['aggregate_on_attributes("sum", ["route"]) where name == "queue_depth"']]])],
};

const queries = [
  'sum by (route) (rate(http_requests_total[5m]))',
  'sum by (instance, route) (increase(http_requests_total[10m]))',
  'sum(rate(http_requests_total{route="/users"}[5m]))',
  'max by (route) (queue_depth)',
  'max by (instance) (queue_depth) > 50',
  'histogram_quantile(0.9, sum by (le, route) (rate(http_server_duration_seconds_bucket[5m])))',
  'sum by (instance, route) (rate(http_server_duration_seconds_sum[5m])) / sum by (instance, route) (rate(http_server_duration_seconds_count[5m]))',
];

const withVariant = (labels: Readonly<Record<string, string>>, variant: string) => ({ ...labels, phoenix_experiment: EXPERIMENT, phoenix_variant: variant });

let prometheus: TestPrometheus;
let client: PrometheusClient;
const changesByCandidate: Record<string, ReturnType<typeof summarizeChanges>> = {};

beforeAll(async () => {
  const backfill: BackfillSeries[] = input.map((s, i) => ({ name: s.name, labels: withVariant(s.labels, 'baseline'), samples: samples[i]! }));
  for (const [name, processors] of Object.entries(candidates)) {
    const result = simulateProcessors(processors, { exporter: 'prometheusremotewrite' }, input, { trackValues: true });
    changesByCandidate[name] = summarizeChanges(input, result);
    for (const out of simulateValues(result.output, samples)) backfill.push({ name: out.name, labels: withVariant(out.labels, name), samples: out.samples });
  }
  prometheus = await startPrometheus({ openMetrics: toOpenMetrics(backfill) });
  client = new PrometheusClient({ baseUrl: prometheus.url });
});

afterAll(async () => {
  await prometheus?.stop();
});

/** Same-answer comparison of one query, baseline vs candidate, after a warm-up longer than any range. */
async function compare(query: string, candidate: string, maxDifferences = 20) {
  const from = start + 15 * 60;
  const [base, cand] = await Promise.all([
    client.queryRange(injectVariant(query, EXPERIMENT, 'baseline'), from, end, STEP),
    client.queryRange(injectVariant(query, EXPERIMENT, candidate), from, end, STEP),
  ]);
  return compareRangeResults(base.result, cand.result, { ignoreLabels: ['phoenix_experiment', 'phoenix_variant'], maxDifferences });
}

const resetAt = times[RESET_INDEX]!;
/** The longest range a query reads, in seconds. */
const rangeOf = (query: string) => Math.max(...[...query.matchAll(/\[(\d+)m\]/g)].map((m) => Number(m[1]) * 60));
/** Every restarted counter's first value after the restart: what a delta-wrapped merge never counts (rate() does). */
const lostAtReset = input.reduce(
  (sum, s, i) => (s.name === 'http_requests_total' && s.labels.instance === 'api-1' ? sum + samples[i]![RESET_INDEX]![1] : sum),
  0,
);
/**
 * When each restarted histogram of api-1 is back above its last point before the restart in every bucket and its
 * count (cumulativetodelta emits nothing for it until then): the latest of them, or Infinity when one never is.
 */
const histogramsBack = (() => {
  let latest = resetAt;
  const byPoint = new Map<string, number[]>();
  input.forEach((s, i) => {
    if (s.labels.instance !== 'api-1' || !/_(bucket|count)$/.test(s.name)) return;
    const key = JSON.stringify([s.labels.route, s.labels.method]);
    byPoint.set(key, [...(byPoint.get(key) ?? []), i]);
  });
  for (const indexes of byPoint.values()) {
    // cumulative le buckets and the count only ever grow between resets here, so their own counts do too
    const back = times.findIndex((_, k) => k >= RESET_INDEX && indexes.every((i) => samples[i]![k]![1] >= samples[i]![RESET_INDEX - 1]![1]));
    latest = Math.max(latest, back < 0 ? Infinity : times[back]!);
  }
  return latest;
})();

describe('simulated output backfilled beside its input (real Prometheus)', () => {
  it.each([
    ['lossless', 7],
    ['across-pods', 2],
  ])(
    'answers every query the static assessment calls unchanged the same but in the windows a restart touches, within the stated bound (%s)',
    async (candidate, expectedUnchanged) => {
      expect(lostAtReset).toBeGreaterThan(0);
      // WHEN every query is assessed statically and compared on the backfilled data
      let unchanged = 0;
      for (const query of queries) {
        const verdict = assessGuardrail({ query }, changesByCandidate[candidate]!);
        if (verdict.status !== 'unchanged') continue;
        unchanged += 1;
        const result = await compare(query, candidate, Infinity);
        expect(result.comparedPoints, query).toBeGreaterThan(100);
        const range = rangeOf(query);
        const histogram = query.includes('http_server_duration_seconds');
        const counter = query.includes('http_requests_total');
        // THEN before the restart the answers are the same, point for point
        for (const d of result.differences) {
          expect(d.kind, `${query}: ${JSON.stringify(d)}`).not.toMatch(/series/);
          if (!('timestamp' in d)) continue;
          expect(d.timestamp, `${query}: ${JSON.stringify(d)}`).toBeGreaterThanOrEqual(resetAt);
          // a merged counter: only while the range holds the restart, by at most what it missed (extrapolated, per second for rate)
          if (counter) {
            expect(d.timestamp, `${query}: ${JSON.stringify(d)}`).toBeLessThan(resetAt + range + STEP);
            expect(d.kind).toBe('value');
            if (d.kind !== 'value') continue;
            const bound = (lostAtReset * range) / (range - STEP) / (query.includes('rate(') ? range : 1);
            expect(Math.abs(d.expected - d.actual), `${query}: ${JSON.stringify(d)}`).toBeLessThanOrEqual(bound * (1 + 1e-9));
          }
          // a merged histogram: until the restarted histograms are back above their counts before the restart
          if (histogram) expect(d.timestamp, `${query}: ${JSON.stringify(d)}`).toBeLessThan(histogramsBack + range + STEP);
        }
        const worst = result.differences.reduce((m, d) => (d.kind === 'value' ? Math.max(m, Math.abs(d.expected - d.actual)) : m), 0);
        process.stdout.write(
          `consistency ${candidate}: ${query}: ${result.differenceCount} of ${result.comparedPoints} points differ after the restart, largest ${worst.toPrecision(3)} (missed ${lostAtReset}, histograms back ${histogramsBack === Infinity ? 'never' : `${(histogramsBack - resetAt) / 60} min`} after)\n`,
        );
        // queries that read no restarted counter or histogram (the gauge) keep every answer
        if (!counter && !histogram) expect(result.differences, query).toEqual([]);
        // a counter query over the restart does differ: the bound is not vacuous
        if (counter) expect(result.same, query).toBe(false);
      }
      expect(unchanged).toBe(expectedUnchanged);
    },
  );

  it('reduces the series as simulated', async () => {
    // every series that was stored in the window (a merged histogram is silent for a while after a restart)
    const count = async (variant: string) => {
      const r = await client.query(`count(last_over_time({phoenix_variant="${variant}"}[3h]))`, end);
      return r.resultType === 'vector' ? r.result[0]!.value[1] : NaN;
    };
    expect(await count('baseline')).toBe(input.length);
    // per pod: two routes of the counter, one queue series, two routes × (4 buckets + sum + count)
    expect(await count('lossless')).toBe(3 * (2 + 1 + 2 * 6));
  });

  it('catches the candidate that drops a grouped label, statically and by comparison', async () => {
    const query = queries[0]!;
    expect(assessGuardrail({ query }, changesByCandidate['drops-route']!)).toMatchObject({ status: 'changed', metric: 'http_requests_total', label: 'route' });
    const result = await compare(query, 'drops-route');
    expect(result.same).toBe(false);
    expect(result.differences.map((d) => d.kind)).toContain('missing-series');
  });

  it('catches the candidate that sums a gauge read with max, statically and by comparison', async () => {
    const query = queries[3]!;
    expect(assessGuardrail({ query }, changesByCandidate['sums-gauge']!)).toMatchObject({ status: 'changed', metric: 'queue_depth', function: 'sum' });
    const result = await compare(query, 'sums-gauge');
    expect(result.same).toBe(false);
    expect(result.differences[0]).toMatchObject({ kind: 'value' });
  });

  it('shows why counters merge only between delta conversions: a reset under a cumulative sum changes rate()', async () => {
    const query = queries[0]!;
    // statically unchanged, but with the counter-reset caveat
    expect(assessGuardrail({ query }, changesByCandidate['cumulative-sum']!)).toMatchObject({ status: 'unchanged', why: expect.stringMatching(/reset/) });
    const result = await compare(query, 'cumulative-sum');
    expect(result.same).toBe(false);
    expect(result.differences.every((d) => d.kind === 'value')).toBe(true);
  });
});
