import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRangeResults } from '../../analysis/compare';
import { injectVariant } from '../../analysis/promql';
import type { RecommendationReport } from '../../analysis/recommend';
import { simulateProcessors, simulateValues } from '../../analysis/simulate';
import { PrometheusClient } from '../../clients/prometheus';
import { alignedNowSeconds, startPrometheus, toOpenMetrics, type BackfillSeries, type TestPrometheus } from '../support/prometheus';
import { generateScenario, type Scenario } from './scenario';
import { candidateProcessors, makeLayout, recommendInto, scenarioQueries } from './support';

// Every recommendation proved on a real Prometheus: the scenario's input and the output the
// written experiment's candidate produces (its processors as rendered, simulated value by value)
// are backfilled side by side, and every rule and dashboard query is compared over the window.

const STEP = 60;
const end = alignedNowSeconds(STEP) - 3600;
const start = end - 2 * 3600;
const times = Array.from({ length: (end - start) / STEP + 1 }, (_, i) => start + i * STEP);
const BIRTH = 60;
/** Longest range any scenario query reads (`increase(…[10m])`). */
const LONGEST_RANGE = 600;

const scenarios: Record<string, Scenario> = {
  steady: generateScenario({ times }),
  resets: generateScenario({ times, resetAt: BIRTH }),
  replaced: generateScenario({ times, replaceAt: BIRTH }),
};
/**
 * Every query with the dashboard variable set to match everything; an alert is compared both as
 * written and without its threshold (the value it watches), so no comparison is vacuous.
 */
const queries = scenarioQueries(scenarios.steady!).flatMap((q) => {
  const where = `${q.query.origin.file}:${q.query.origin.line}`;
  const expr = q.query.expr.replace(/"phoenix_var_job"/g, '".+"');
  const value = expr.replace(/\s*[<>]=?\s*[0-9.e]+\s*$/, '');
  return value === expr
    ? [{ where, expr, watched: true }]
    : [
        { where, expr, watched: false },
        { where, expr: value, watched: true },
      ];
});

let prometheus: TestPrometheus;
let client: PrometheusClient;
const reports: Record<string, RecommendationReport> = {};
const layouts: Array<() => void> = [];

beforeAll(async () => {
  const backfill: BackfillSeries[] = [];
  for (const [name, scenario] of Object.entries(scenarios)) {
    const layout = makeLayout(scenario);
    layouts.push(layout.cleanup);
    reports[name] = recommendInto(layout.root, scenario, `rec-${name}`, { dropUnused: true });
    const result = simulateProcessors(candidateProcessors(layout.root, `rec-${name}`), { exporter: 'prometheusremotewrite' }, scenario.series, {
      trackValues: true,
    });
    const labelled = (labels: Readonly<Record<string, string>>, variant: string) => ({ ...labels, phoenix_experiment: name, phoenix_variant: variant });
    scenario.series.forEach((s, i) => backfill.push({ name: s.name, labels: labelled(s.labels, 'baseline'), samples: scenario.samples[i]! }));
    for (const out of simulateValues(result.output, scenario.samples))
      backfill.push({ name: out.name, labels: labelled(out.labels, 'recommended'), samples: out.samples });
  }
  prometheus = await startPrometheus({ openMetrics: toOpenMetrics(backfill) });
  client = new PrometheusClient({ baseUrl: prometheus.url });
}, 300_000);

afterAll(async () => {
  await prometheus?.stop();
  for (const cleanup of layouts) cleanup();
});

async function compare(experiment: string, query: string) {
  const from = start + 15 * 60;
  const [base, cand] = await Promise.all([
    client.queryRange(injectVariant(query, experiment, 'baseline'), from, end, STEP),
    client.queryRange(injectVariant(query, experiment, 'recommended'), from, end, STEP),
  ]);
  return compareRangeResults(base.result, cand.result, { ignoreLabels: ['phoenix_experiment', 'phoenix_variant'] });
}

async function activeSeries(experiment: string, variant: string): Promise<number> {
  const r = await client.query(`count({phoenix_experiment="${experiment}", phoenix_variant="${variant}"})`, end);
  return r.resultType === 'vector' ? r.result[0]!.value[1] : NaN;
}

describe('phoenix recommend, proved on a real Prometheus', () => {
  it('cuts the target scenario by at least 90% of its active series, as stored', async () => {
    // GIVEN the steady scenario WHEN its recommendation is backfilled THEN Prometheus holds ≥ 90% fewer series
    const before = await activeSeries('steady', 'baseline');
    const after = await activeSeries('steady', 'recommended');
    expect(before).toBe(scenarios.steady!.series.length);
    expect(after).toBe(reports.steady!.seriesAfter);
    expect(1 - after / before).toBeGreaterThanOrEqual(0.9);
    console.log(`recommend target scenario: ${before} → ${after} active series (−${((1 - after / before) * 100).toFixed(1)}%)`);
  });

  it('keeps the answer of every rule and dashboard query (steady)', async () => {
    expect(queries.length).toBeGreaterThanOrEqual(18);
    for (const q of queries) {
      const result = await compare('steady', q.expr);
      // THEN point for point the same, and not vacuously
      expect(result.differences, `${q.where}: ${q.expr}`).toEqual([]);
      if (q.watched) expect(result.comparedPoints, `${q.where}: ${q.expr}`).toBeGreaterThan(50);
    }
  });

  it('with a pod restarted mid-window, differs only in windows the restart touches: counters while the range holds it, histograms until they are back above their counts before it', async () => {
    const scenario = scenarios.resets!;
    const restart = times[BIRTH]!;
    // when every restarted histogram (buckets and count) is back above its last point before the restart
    const points = new Map<string, number[]>();
    scenario.series.forEach((s, i) => {
      if (!/_(bucket|count)$/.test(s.name)) return;
      const at = scenario.samples[i]!;
      if (!(at[BIRTH]![1] < at[BIRTH - 1]![1])) return;
      const { le: _le, ...rest } = s.labels;
      const key = JSON.stringify([s.name.replace(/_(bucket|count)$/, ''), rest]);
      points.set(key, [...(points.get(key) ?? []), i]);
    });
    let back = restart;
    for (const indexes of points.values()) {
      const k = times.findIndex((_, j) => j >= BIRTH && indexes.every((i) => scenario.samples[i]![j]![1] >= scenario.samples[i]![BIRTH - 1]![1]));
      back = Math.max(back, k < 0 ? Infinity : times[k]!);
    }
    expect(points.size).toBeGreaterThan(0);
    let worst = 0;
    let differing = 0;
    for (const q of queries) {
      const result = await compare('resets', q.expr);
      if (q.watched) expect(result.comparedPoints, q.expr).toBeGreaterThan(50);
      const histogram = /_bucket|_count|_sum/.test(q.expr);
      for (const d of result.differences) {
        expect(d.kind, `${q.where}: ${q.expr}`).not.toMatch(/series/);
        if (!('timestamp' in d)) continue;
        expect(d.timestamp, `${q.where}: ${q.expr}`).toBeGreaterThanOrEqual(restart);
        expect(d.timestamp, `${q.where}: ${q.expr}`).toBeLessThanOrEqual((histogram ? back : restart) + LONGEST_RANGE + STEP);
      }
      if (!result.same) differing += 1;
      worst = Math.max(worst, result.maxRelativeError);
    }
    // the gap is real (cumulativetodelta counts neither a restarted counter's first value nor a restarted histogram until it is back)
    expect(differing).toBeGreaterThan(0);
    console.log(
      `recommend pod-restarted scenario: ${differing}/${queries.length} queries differ, counters only within ${LONGEST_RANGE / 60 + 1} min of the restart, histograms until ${back === Infinity ? 'the end of the window' : `${(back - restart) / 60 + LONGEST_RANGE / 60 + 1} min after it`}; largest relative error ${worst.toExponential(3)}`,
    );
  });

  it('with a pod replaced mid-window, differs only in windows holding the new pod’s first sample, and measures the error', async () => {
    const birth = times[BIRTH]!;
    let worst = 0;
    let differing = 0;
    for (const q of queries) {
      const result = await compare('replaced', q.expr);
      if (q.watched) expect(result.comparedPoints, q.expr).toBeGreaterThan(50);
      for (const d of result.differences) {
        expect(d.kind, `${q.where}: ${q.expr}`).toBe('value');
        if (d.kind !== 'value') continue;
        expect(d.timestamp).toBeGreaterThanOrEqual(birth);
        expect(d.timestamp).toBeLessThanOrEqual(birth + LONGEST_RANGE + STEP);
      }
      if (!result.same) differing += 1;
      worst = Math.max(worst, result.maxRelativeError);
    }
    // the gap is real (the first sample of a new series is dropped by cumulativetodelta) and bounded
    expect(differing).toBeGreaterThan(0);
    expect(worst).toBeLessThan(0.5);
    console.log(
      `recommend pod-replaced scenario: ${differing}/${queries.length} queries differ, only within ${LONGEST_RANGE / 60 + 1} min of the new pod's first sample; largest relative error ${worst.toExponential(3)}`,
    );
  });
});
