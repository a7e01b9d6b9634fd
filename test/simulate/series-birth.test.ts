import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRangeResults } from '../../analysis/compare';
import { injectVariant } from '../../analysis/promql';
import type { Series } from '../../analysis/series';
import { simulateProcessors, simulateValues, type ConfiguredProcessor } from '../../analysis/simulate';
import { PrometheusClient } from '../../clients/prometheus';
import { alignedNowSeconds, startPrometheus, toOpenMetrics, type BackfillSeries, type TestPrometheus } from '../support/prometheus';

// A pod replaced mid-window: `cumulativetodelta` drops each new stream's first point, so answers
// differ only in windows that hold the new pod's first sample — [birth, birth + range] — and
// are the same everywhere else. This is the documented limit of docs/cost.md, measured.

const STEP = 60;
const end = alignedNowSeconds(STEP) - 3600;
const start = end - 2 * 3600;
const times = Array.from({ length: (end - start) / STEP + 1 }, (_, i) => start + i * STEP);
const BIRTH = 60; // api-new starts at the 60th minute, api-old stops just before

const input: Series[] = [];
const samples: Array<Array<[number, number]>> = [];
for (const pod of ['api-stable', 'api-old', 'api-new']) {
  for (const user of ['u1', 'u2']) {
    input.push({ name: 'jobs_total', labels: { job: 'api', instance: pod, queue: 'q', user_id: user }, type: 'counter' });
    const alive = (i: number) => pod === 'api-stable' || (pod === 'api-old' ? i < BIRTH : i >= BIRTH);
    let value = pod === 'api-new' ? 3 : 500;
    samples.push(times.flatMap((t, i) => (alive(i) ? [[t, (value += 7 + (i % 3))] as [number, number]] : [])));
  }
}

const candidate: ConfiguredProcessor[] = [
  { id: 'cumulativetodelta', config: {} },
  { id: 'transform/keep', config: { metric_statements: [{ context: 'metric', statements: ['aggregate_on_attributes("sum", ["queue"])'] }] } },
  { id: 'deltatocumulative', config: {} },
];

let prometheus: TestPrometheus;
let client: PrometheusClient;

beforeAll(async () => {
  const result = simulateProcessors(candidate, { exporter: 'prometheusremotewrite' }, input, { trackValues: true });
  const label = (labels: Readonly<Record<string, string>>, variant: string) => ({ ...labels, phoenix_experiment: 'birth', phoenix_variant: variant });
  const backfill: BackfillSeries[] = [
    ...input.map((s, i) => ({ name: s.name, labels: label(s.labels, 'baseline'), samples: samples[i]! })),
    ...simulateValues(result.output, samples).map((s) => ({ name: s.name, labels: label(s.labels, 'candidate'), samples: s.samples })),
  ];
  prometheus = await startPrometheus({ openMetrics: toOpenMetrics(backfill) });
  client = new PrometheusClient({ baseUrl: prometheus.url });
});

afterAll(async () => {
  await prometheus?.stop();
});

describe('a pod replaced mid-window under delta-wrapped aggregation (real Prometheus)', () => {
  it('answers the same except in the windows holding the new pod’s first sample', async () => {
    const query = 'sum by (queue) (rate(jobs_total[5m]))';
    const from = start + 15 * 60;
    const [base, cand] = await Promise.all([
      client.queryRange(injectVariant(query, 'birth', 'baseline'), from, end, STEP),
      client.queryRange(injectVariant(query, 'birth', 'candidate'), from, end, STEP),
    ]);
    const result = compareRangeResults(base.result, cand.result, { ignoreLabels: ['phoenix_experiment', 'phoenix_variant'] });
    const birth = times[BIRTH]!;
    expect(result.same).toBe(false);
    const when = result.differences.map((d) => ('timestamp' in d ? d.timestamp : NaN));
    expect(when.every((t) => t >= birth && t <= birth + 5 * 60)).toBe(true);
    // outside those windows every point agrees
    const outside = (r: typeof base.result) => r.map((s) => ({ metric: s.metric, values: s.values.filter(([t]) => t < birth || t > birth + 5 * 60) }));
    expect(compareRangeResults(outside(base.result), outside(cand.result), { ignoreLabels: ['phoenix_experiment', 'phoenix_variant'] })).toMatchObject({
      same: true,
    });
  });
});
