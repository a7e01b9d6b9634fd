import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnswerSeries, GuardrailAnswer, WindowSpan } from '../../analysis/decide/types';
import { injectLabelMatchers, planPartitionedQuery } from '../../analysis/promql';
import { PrometheusClient } from '../../clients/prometheus';
import { measureGuardrails, type GuardrailRequest } from '../../app/watcher/measure-guardrails';
import { QueryRunner, type QueryRange } from '../../app/watcher/query-runner';
import { alignedNowSeconds, startPrometheus, toOpenMetrics, type BackfillSeries, type TestPrometheus } from '../support/prometheus';

/**
 * Proves on a real Prometheus 2.42 that a guardrail evaluated once for many experiments and
 * variants (measureGuardrails) answers exactly what the per-variant queries answer: the same
 * series, the same timestamps and the same values, for every experiment × variant. Values are
 * compared within 1e-12 relative: Prometheus 2.42 sums an inner range result in Go map order, so
 * even one query run twice may differ in the last bit of a sum.
 */
const STEP = 60;
const WINDOW = 600;
const end = alignedNowSeconds(WINDOW) - 3600;
const dataStart = end - 2 * 3600;
const ENV = { phoenix_env: 'dev' };
const PODS = ['p1', 'p2', 'p3'];

/** Experiments, their variants, and the window they start measuring at (e2 starts two windows later). */
const EXPERIMENTS: ReadonlyArray<{ name: string; variants: string[]; fromWindow: number }> = [
  { name: 'e1', variants: ['baseline', 'cand-a'], fromWindow: 0 },
  { name: 'e2', variants: ['baseline', 'cand-b'], fromWindow: 2 },
  { name: 'e3.x', variants: ['baseline', 'cand-a', 'cand-b'], fromWindow: 0 },
];

function generate(): BackfillSeries[] {
  const out: BackfillSeries[] = [];
  const times = Array.from({ length: (end - dataStart) / STEP + 1 }, (_, i) => dataStart + i * STEP);
  EXPERIMENTS.forEach((experiment, e) => {
    for (const [env, envFactor] of [
      ['dev', 1],
      ['prod', 7],
    ] as const) {
      experiment.variants.forEach((variant, v) => {
        const factor = envFactor * (1 + e * 0.37 + v * 0.11);
        // A candidate sums pods away (one series per job/…), like a keep-attributes candidate.
        const pods = variant === 'baseline' ? PODS : ['all'];
        const labels = (extra: Record<string, string>) => ({ phoenix_env: env, phoenix_experiment: experiment.name, phoenix_variant: variant, ...extra });
        pods.forEach((pod, p) => {
          const podLabel: Record<string, string> = pod === 'all' ? {} : { pod };
          const weight = pod === 'all' ? PODS.length : p + 1;
          for (const job of ['api', 'web']) {
            for (const code of ['200', '500']) {
              const rate = factor * weight * (code === '200' ? 5 : 0.5) * (job === 'api' ? 1 : 2);
              out.push({
                name: 'http_requests_total',
                labels: labels({ job, code, ...podLabel }),
                samples: times.map((t, i) => [t, Math.round(i * STEP * rate + (i % 7) * weight)]),
              });
            }
            out.push({ name: 'queue_depth', labels: labels({ job, ...podLabel }), samples: times.map((t, i) => [t, ((i * (p + 2 + e)) % 11) * factor + p]) });
            ['0.1', '0.5', '1', '+Inf'].forEach((le, l) => {
              out.push({
                name: 'd_bucket',
                labels: labels({ job, le, ...podLabel }),
                samples: times.map((t, i) => [t, Math.round(i * (l + 1) * weight * factor + (l === 3 ? i : 0))]),
              });
            });
          }
        });
        for (const job of ['api', 'web'])
          out.push({ name: 'target_info', labels: labels({ job, team: `team-${job}-${v}` }), samples: times.map((t) => [t, 1]) });
        // node-exporter series for the node-mixin rules
        for (const instance of ['n1', 'n2']) {
          for (const cpu of ['0', '1']) {
            for (const mode of ['idle', 'iowait', 'steal', 'user', 'system']) {
              const share = { idle: 0.6, iowait: 0.05, steal: 0.01, user: 0.24, system: 0.1 }[mode]!;
              out.push({
                name: 'node_cpu_seconds_total',
                labels: labels({ job: 'node-exporter', instance, cpu, mode }),
                samples: times.map((t, i) => [t, i * STEP * share * (1 + 0.01 * ((i + v) % 5))]),
              });
            }
          }
          const gauge = (name: string, base: number) =>
            out.push({ name, labels: labels({ job: 'node-exporter', instance }), samples: times.map((t, i) => [t, base * factor + ((i * 13) % 17) * 1e6]) });
          // e3.x's cand-b lacks MemAvailable: the node-mixin rule falls back to the sum after `or`.
          if (!(experiment.name === 'e3.x' && variant === 'cand-b')) gauge('node_memory_MemAvailable_bytes', 4e9);
          for (const name of ['node_memory_Buffers_bytes', 'node_memory_Cached_bytes', 'node_memory_MemFree_bytes', 'node_memory_Slab_bytes']) gauge(name, 1e9);
          gauge('node_memory_MemTotal_bytes', 16e9);
          gauge('node_load1', 2);
          for (const device of ['lo', 'eth0']) {
            out.push({
              name: 'node_network_receive_bytes_total',
              labels: labels({ job: 'node-exporter', instance, device }),
              samples: times.map((t, i) => [t, i * STEP * 1000 * factor * (device === 'lo' ? 1 : 3)]),
            });
          }
        }
      });
    }
  });
  return out;
}

const TYPES = {
  http_requests: 'counter',
  queue_depth: 'gauge',
  d: 'histogram',
  node_cpu_seconds: 'counter',
  node_network_receive_bytes: 'counter',
  target_info: 'gauge',
} as const;

/** Guardrails that can be batched: aggregations with by/without, vector matching, functions, subqueries, modifiers. */
const BATCHABLE: readonly string[] = [
  'sum by (job) (rate(http_requests_total[5m]))',
  'sum without (pod) (rate(http_requests_total{code=~"5.."}[5m]))',
  'sum(rate(http_requests_total{code="500"}[5m])) / sum(rate(http_requests_total[5m]))',
  'rate(http_requests_total[5m])',
  'histogram_quantile(0.9, sum by (le, job) (rate(d_bucket[5m])))',
  'sum by (job, team) (rate(http_requests_total[5m]) * on (job) group_left (team) target_info)',
  'sum by (job, code) (rate(http_requests_total[5m])) / ignoring (code) group_left sum by (job) (rate(http_requests_total[5m]))',
  'sum by (job) (queue_depth) / on () group_left sum(queue_depth)',
  'sum by (job) (rate(http_requests_total{code="500"}[5m])) and on (job) sum by (job) (queue_depth) > 3',
  'sum by (job) (queue_depth) or on (job) sum by (job) (rate(http_requests_total[5m]))',
  'sum by (instance) (node_memory_MemAvailable_bytes) or on (instance) sum by (instance) (node_memory_MemFree_bytes)',
  'sum by (job) (queue_depth) unless sum by (job) (rate(http_requests_total{code="500"}[5m])) > 100',
  'topk(2, sum by (job, code) (rate(http_requests_total[5m])))',
  'bottomk by (job) (1, sum by (job, code) (rate(http_requests_total[5m])))',
  'count_values("depth", queue_depth)',
  'quantile(0.5, queue_depth)',
  'stddev without (pod) (queue_depth)',
  'count(queue_depth) by (job)',
  'group by (job) (queue_depth)',
  'max_over_time(sum(rate(http_requests_total[5m]))[30m:1m])',
  'label_replace(sum by (job) (queue_depth), "service", "svc-$1", "job", "(.*)")',
  'queue_depth > 5',
  'sum by (job) (queue_depth) > bool 10',
  '-sum by (job) (queue_depth) * 2 + 1',
  'abs(delta(queue_depth[10m]))',
  'sum by (job) (rate(http_requests_total[5m] offset 10m))',
  `sum by (job) (increase(http_requests_total[10m] @ ${end - 1800}))`,
  'sum by (phoenix_variant) (queue_depth)',
  'sum without (phoenix_variant, pod) (queue_depth)',
  'timestamp(sum by (job) (queue_depth))',
  // node-mixin recording rules (prometheus/node_exporter docs/node-mixin, Apache-2.0)
  'count without (cpu, mode) (node_cpu_seconds_total{job="node-exporter",mode="idle"})',
  '1 - avg without (cpu) (sum without (mode) (rate(node_cpu_seconds_total{job="node-exporter", mode=~"idle|iowait|steal"}[5m])))',
  '(node_load1{job="node-exporter"} / count without (cpu, mode) (node_cpu_seconds_total{job="node-exporter",mode="idle"}))',
  '1 - ((node_memory_MemAvailable_bytes{job="node-exporter"} or (node_memory_Buffers_bytes{job="node-exporter"} + node_memory_Cached_bytes{job="node-exporter"} + node_memory_MemFree_bytes{job="node-exporter"} + node_memory_Slab_bytes{job="node-exporter"})) / node_memory_MemTotal_bytes{job="node-exporter"})',
  'sum without (device) (rate(node_network_receive_bytes_total{job="node-exporter", device!="lo"}[5m]))',
  // kube-prometheus node recording rules (prometheus-operator/kube-prometheus, Apache-2.0), upper-case keywords as written
  'sum(rate(node_cpu_seconds_total{mode!="idle",mode!="iowait"}[5m])) WITHOUT (cpu, mode) / ON(instance) GROUP_LEFT() count(sum(node_cpu_seconds_total) BY (instance, cpu)) BY (instance)',
];

/** Guardrails evaluated per variant: batching them would change some partition's answer. */
const PER_VARIANT: readonly string[] = [
  'absent(nonexistent_metric)',
  'sum(rate(http_requests_total{code="404"}[5m])) or vector(0)',
  'queue_depth * scalar(sum(queue_depth))',
  'label_replace(queue_depth, "phoenix_variant", "x", "job", ".*")',
  'sum(queue_depth @ end())',
];

let prometheus: TestPrometheus;
let client: PrometheusClient;
let run: QueryRange;

beforeAll(async () => {
  prometheus = await startPrometheus({ openMetrics: toOpenMetrics(generate(), TYPES) });
  client = new PrometheusClient({ baseUrl: prometheus.url });
  run = (expr, start, stop, step) => client.queryRange(expr, start, stop, step);
});
afterAll(async () => {
  await prometheus?.stop();
});

const windows = (from: number): WindowSpan[] =>
  Array.from({ length: 8 - from }, (_, i) => ({ start: end - (8 - from - i) * WINDOW, end: end - (7 - from - i) * WINDOW }));

function requests(query: string): GuardrailRequest[] {
  return EXPERIMENTS.map((e) => ({ experiment: e.name, variants: e.variants, guardrails: [{ id: 'g', query }], windows: windows(e.fromWindow) }));
}

/** Series in a stable order, labels as sorted pairs. */
function normalized(series: readonly AnswerSeries[]): Array<{ labels: string; points: ReadonlyArray<readonly [number, number]> }> {
  return series
    .map((s) => ({ labels: JSON.stringify(Object.entries(s.labels).sort(([a], [b]) => a.localeCompare(b))), points: s.points }))
    .sort((a, b) => a.labels.localeCompare(b.labels));
}

/** What each experiment × variant answers with its own query: the reference. */
async function perVariantAnswers(query: string): Promise<Map<string, AnswerSeries[] | string>> {
  const out = new Map<string, AnswerSeries[] | string>();
  for (const e of EXPERIMENTS) {
    for (const variant of e.variants) {
      const own = injectLabelMatchers(query, { ...ENV, phoenix_experiment: e.name, phoenix_variant: variant });
      try {
        const result = await client.queryRange(own, windows(e.fromWindow)[0]!.start + STEP, end, STEP);
        out.set(
          `${e.name}/${variant}`,
          result.result.map((s) => {
            const { phoenix_experiment: _e, phoenix_variant: _v, ...labels } = s.metric;
            return { labels, points: s.values };
          }),
        );
      } catch (error) {
        out.set(`${e.name}/${variant}`, `error: ${(error as Error).message}`);
      }
    }
  }
  return out;
}

async function batched(query: string): Promise<{ answers: Map<string, GuardrailAnswer>; runner: QueryRunner }> {
  const runner = new QueryRunner(1, 4);
  const measured = await measureGuardrails(runner, prometheus.url, run, requests(query), STEP, ENV);
  const answers = new Map<string, GuardrailAnswer>();
  for (const e of EXPERIMENTS) for (const variant of e.variants) answers.set(`${e.name}/${variant}`, measured.get(e.name)!['g']![variant]!);
  return { answers, runner };
}

/** Compares every experiment × variant's answer with its reference; returns how many points were compared. */
function expectSameAnswers(reference: Map<string, AnswerSeries[] | string>, answers: Map<string, GuardrailAnswer>): number {
  let compared = 0;
  for (const [key, expected] of reference) {
    const answer = answers.get(key)!;
    if (typeof expected === 'string') {
      expect(answer.failure, key).toBeDefined();
      continue;
    }
    expect(answer.failure, `${key}: ${answer.failure?.message}`).toBeUndefined();
    const got = normalized(answer.series!);
    const want = normalized(expected);
    expect(
      got.map((s) => s.labels),
      key,
    ).toEqual(want.map((s) => s.labels));
    got.forEach((series, i) => {
      const points = want[i]!.points;
      expect(
        series.points.map(([t]) => t),
        `${key} ${series.labels}`,
      ).toEqual(points.map(([t]) => t));
      series.points.forEach(([, v], j) => expect(sameValue(v, points[j]![1]), `${key} ${series.labels} at ${j}: ${v} vs ${points[j]![1]}`).toBe(true));
      compared += series.points.length;
    });
  }
  return compared;
}

function sameValue(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

describe('guardrails batched over experiments and variants, against a real Prometheus', () => {
  it.each(BATCHABLE)('%s: one query answers what each variant query answers', async (query) => {
    // GIVEN the answers of the per-variant queries
    const reference = await perVariantAnswers(query);
    expect([...reference.values()].some((series) => typeof series !== 'string' && series.length > 0)).toBe(true);
    // WHEN the guardrail is measured for every experiment and variant at once
    expect(planPartitionedQuery(query, ['phoenix_env', 'phoenix_experiment', 'phoenix_variant']).ok).toBe(true);
    const { answers, runner } = await batched(query);
    // THEN one query was sent, and every experiment × variant has exactly its own answer
    expect(runner.issuedBy).toEqual({ guardrail: 1 });
    // (with points to compare: an empty answer on both sides would prove nothing)
    expect(expectSameAnswers(reference, answers)).toBeGreaterThan(0);
    // AND the evidence names the per-variant query the answer equals
    expect(answers.get('e2/cand-b')!.query).toBe(injectLabelMatchers(query, { ...ENV, phoenix_experiment: 'e2', phoenix_variant: 'cand-b' }));
  });

  it.each(PER_VARIANT)('%s: falls back to one query per variant, with the same answers', async (query) => {
    const reference = await perVariantAnswers(query);
    const { answers, runner } = await batched(query);
    expect(runner.issuedBy).toEqual({ 'guardrail-per-variant': 7 });
    expectSameAnswers(reference, answers);
  });

  it('falls back per variant when Prometheus rejects the batch, so only the failing variants fail', async () => {
    // GIVEN a join that is many-to-many on the baseline (three pods per job) but one-to-one on candidates
    const query = 'queue_depth * on (job) queue_depth';
    const reference = await perVariantAnswers(query);
    expect(reference.get('e1/baseline')).toMatch(/many-to-many|multiple matches/);
    expect(Array.isArray(reference.get('e1/cand-a'))).toBe(true);
    // WHEN measured in one batch
    const { answers, runner } = await batched(query);
    // THEN the batch failed, each variant was asked on its own, and the answers are the per-variant ones
    expect(runner.issuedBy).toEqual({ guardrail: 1, 'guardrail-per-variant': 7 });
    expectSameAnswers(reference, answers);
    expect(answers.get('e1/baseline')!.failure!.kind).toBe('failed');
  });
});
