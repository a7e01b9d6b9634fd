import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRangeResults } from '../../analysis/compare';
import { injectVariant } from '../../analysis/promql';
import { simulatePipeline, simulateValues } from '../../analysis/simulate';
import { Processor } from '../../constructs/collector';
import { landedDifferences, landedSeries, startScrapedExperiment, waitForValue, type ScrapedExperiment } from '../support/collector-run';
import { scrapedInput, type ExpositionFamily } from '../support/exposition';

// The shipped node-cpu-by-mode experiment (its baseline file, its lossless candidate, its guardrails)
// plus a harmful candidate, rendered as `phoenix synth` renders it, run in the REAL collector:
// the prometheus receiver scrapes a loopback exposition every second, every pipeline remote-writes
// into a real Prometheus. Node a runs throughout and one of its counters resets; node b is replaced
// by node c mid-window (the pod is replaced: instance changes).

const NAME = 'node-cpu-by-mode';
const METRIC = 'node_cpu_seconds_total';
const SCRAPES = 12;
const RESET_AT = 7; // node a, cpu 1 restarts from zero at this scrape
const MODES = ['idle', 'user', 'system'];
const JOB = 'node-exporter'; // the baseline's scrape job

function cpuFamily(scrape: number, node: string, offset: number): ExpositionFamily[] {
  const samples = [0, 1].flatMap((cpu) =>
    MODES.map((mode, m) => {
      let value = offset + 1000 * cpu + 100 * m + scrape * (3 + m + cpu) + 0.25;
      if (node === 'a' && cpu === 1 && scrape >= RESET_AT) value = (scrape - RESET_AT + 1) * (2 + m);
      return { name: METRIC, labels: { cpu: String(cpu), mode }, value };
    }),
  );
  return [
    { name: METRIC, type: 'counter', help: 'Seconds the CPUs spent in each mode.', samples },
    { name: 'node_memory_MemAvailable_bytes', type: 'gauge', samples: [{ name: 'node_memory_MemAvailable_bytes', labels: {}, value: 1e9 + scrape }] },
  ];
}

let run: ScrapedExperiment;

beforeAll(async () => {
  run = await startScrapedExperiment({
    name: NAME,
    job: JOB,
    targets: {
      a: (n) => (n < SCRAPES ? cpuFamily(n, 'a', 0) : []),
      b: (n) => (n < 5 ? cpuFamily(n, 'b', 5000) : []),
      c: (n) => (n >= 5 && n < SCRAPES ? cpuFamily(n, 'c', 9000) : []),
    },
    scrapes: SCRAPES + 1,
    experiment: {
      scope: [METRIC],
      candidates: [
        {
          name: 'by-mode',
          processors: [
            Processor.cumulativeToDelta({ name: 'by-mode', metrics: [METRIC] }),
            Processor.keepAttributes({ name: 'by-mode', metrics: [{ name: METRIC, type: 'sum' }], keep: ['mode'] }),
            Processor.deltaToCumulative({ name: 'by-mode' }),
          ],
        },
        {
          name: 'by-cpu',
          processors: [
            Processor.cumulativeToDelta({ name: 'by-cpu', metrics: [METRIC] }),
            Processor.keepAttributes({ name: 'by-cpu', metrics: [{ name: METRIC, type: 'sum' }], keep: ['cpu'] }),
            Processor.deltaToCumulative({ name: 'by-cpu' }),
          ],
        },
      ],
      guardrails: {
        queries: [
          { name: 'cpu seconds by node and mode', expr: 'sum by (instance, mode) (rate(node_cpu_seconds_total[5m]))' },
          {
            name: 'node utilisation',
            expr: '1 - sum by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) / sum by (instance) (rate(node_cpu_seconds_total[5m]))',
          },
          { name: 'busy node', expr: 'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m])) > 1' },
        ],
      },
    },
  });
  const expr = `count_over_time(${METRIC}{phoenix_variant="by-mode"}[1m])`;
  await waitForValue(run.client, `sum(${expr})`, run.end + 1, 2 * 3 * (SCRAPES - 1) - 3 - 1, run.collector, `not every sample of ${expr} landed`);
}, 90_000);

afterAll(async () => run?.stop());

/** The simulation's input: every scraped series of METRIC with its samples, as the prometheus receiver reads them. */
const scraped = () => scrapedInput(run.exposition, JOB, (family) => family.name === METRIC);

const landed = (variant: string) => landedSeries(run.client, `${METRIC}{phoenix_experiment="${NAME}", phoenix_variant="${variant}"}[2m]`, run.end + 1);

describe('the real collector runs the synthesized experiment', () => {
  it('lands every variant, names round-tripped: the counter keeps _total, job/instance from the scrape, target_info per target', async () => {
    const names = await run.client.labelValues('__name__', { match: [`{phoenix_variant="by-mode"}`] });
    expect(names).toContain(METRIC);
    expect(names).toContain('target_info');
    // the scope filter keeps the other node metrics out of the shadow variants
    expect(names).not.toContain('node_memory_MemAvailable_bytes');
    const info = await run.client.series([`target_info{phoenix_variant="by-mode"}`], run.end - 60, run.end + 1);
    expect(info.map((l) => l.instance).sort()).toEqual([...run.exposition.addresses.values()].sort());
    expect(info.every((l) => l.job === 'node-exporter')).toBe(true);
  });

  for (const variant of ['baseline', 'by-mode', 'by-cpu']) {
    it(`lands the series and values analysis/simulate predicts for ${variant} (1e-9), at every point, the counter reset and the replaced pod included`, async () => {
      const { input, samples } = scraped();
      const result = simulatePipeline(run.config, `metrics/phoenix-${NAME}-${variant}`, input, { trackValues: true });
      const predicted = simulateValues(result.output, samples);
      const real = await landed(variant);
      expect(real.size).toBe(predicted.length);
      expect(landedDifferences(real, predicted)).toEqual([]);
    });
  }

  it("the merged counter misses exactly the reset stream's first value after the restart (the measured bound)", async () => {
    const { input, samples } = scraped();
    const resetAt = run.exposition.scrapes.find((s) => s.target === 'a' && s.scrape === RESET_AT)!.timestampMs / 1000;
    const real = await landed('by-mode');
    const instance = run.exposition.addresses.get('a')!;
    for (const [m, mode] of MODES.entries()) {
      const merged = [...real.entries()].find(([k]) => k.includes(JSON.stringify(['instance', instance])) && k.includes(JSON.stringify(['mode', mode])))?.[1];
      expect(merged, mode).toBeDefined();
      // what rate() counts on the baseline's streams up to t (a decrease counts the new value)
      const streams = input.map((s, i) => ({ s, points: samples[i]! })).filter(({ s }) => s.labels.instance === instance && s.labels.mode === mode);
      const increase = (t: number) =>
        streams.reduce((sum, { points }) => {
          for (let i = 1; i < points.length && points[i]![0] <= t; i++)
            sum += points[i]![1] >= points[i - 1]![1] ? points[i]![1] - points[i - 1]![1] : points[i]![1];
          return sum;
        }, 0);
      const reset = streams.find(({ s }) => s.labels.cpu === '1')!.points.find(([t]) => t === resetAt)![1];
      expect(reset).toBe(2 + m);
      const [t0, v0] = merged![0]!;
      for (const [t, v] of merged!) {
        const expected = increase(t) - increase(t0) - (t >= resetAt ? reset : 0);
        expect(Math.abs(v - v0 - expected), `${mode} @${t}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
      }
    }
  });
});

describe('zero data loss, measured in the real Prometheus', () => {
  const short = (expr: string) => expr.replace(/\[5m\]/g, '[3s]');
  const operands = (expr: string): string[] => {
    const m = /^(.*\S)\s*>\s*([0-9.]+)$/.exec(expr);
    return m ? [expr, m[1]!] : [expr];
  };
  const answer = async (expr: string, variant: string, from: number, to: number) =>
    (await run.client.queryRange(short(injectVariant(expr, NAME, variant)), from, to, 0.25)).result;
  const steadyWindow = () => {
    const a = run.exposition.scrapes.filter((s) => s.target === 'a').map((s) => s.timestampMs / 1000);
    // after every stream's first point (dropped by cumulativetodelta) has left the [3s] range with a
    // scrape of margin (scrape timestamps jitter on a loaded machine), before the new pod c appears
    return [a[4]! + 0.5, a[5]! - 0.1] as const;
  };

  it('every guardrail (alerts also without their threshold) of the lossless candidate answers as the baseline in steady state', async () => {
    const [from, to] = steadyWindow();
    for (const { expr } of [
      { expr: 'sum by (instance, mode) (rate(node_cpu_seconds_total[5m]))' },
      { expr: '1 - sum by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])) / sum by (instance) (rate(node_cpu_seconds_total[5m]))' },
      { expr: 'sum by (instance) (rate(node_cpu_seconds_total{mode!="idle"}[5m])) > 1' },
    ]) {
      for (const query of operands(expr)) {
        const baseline = await answer(query, 'baseline', from, to);
        expect(baseline.length, query).toBeGreaterThan(0);
        const verdict = compareRangeResults(baseline, await answer(query, 'by-mode', from, to), { ignoreLabels: ['phoenix_variant'] });
        expect(verdict.differences, query).toEqual([]);
        expect(verdict.comparedPoints).toBeGreaterThan(0);
      }
    }
  });

  it('the harmful candidate (drops mode) differs and is caught', async () => {
    const [from, to] = steadyWindow();
    const query = 'sum by (instance, mode) (rate(node_cpu_seconds_total[5m]))';
    const verdict = compareRangeResults(await answer(query, 'baseline', from, to), await answer(query, 'by-cpu', from, to), {
      ignoreLabels: ['phoenix_variant'],
    });
    expect(verdict.same).toBe(false);
    expect(verdict.differences.map((d) => d.kind)).toContain('missing-series');
  });

  it("a counter reset: increase() of the merged counter misses exactly the reset stream's first value, extrapolated as the window is (the measured bound)", async () => {
    const a = run.exposition.scrapes.filter((s) => s.target === 'a').map((s) => s.timestampMs / 1000);
    const at = a[RESET_AT]! + 0.5;
    const query = `sum by (instance, mode) (increase(node_cpu_seconds_total{instance="${run.exposition.addresses.get('a')}"}[3s]))`;
    const values = async (variant: string) => {
      const r = await run.client.query(short(injectVariant(query, NAME, variant)), at);
      return r.resultType === 'vector' ? new Map(r.result.map((s) => [s.metric.mode!, s.value[1]])) : new Map<string, number>();
    };
    const baseline = await values('baseline');
    const candidate = await values('by-mode');
    expect([...candidate.keys()].sort()).toEqual([...baseline.keys()].sort());
    // the window's extrapolation factor, read off a stream that did not reset and is sampled at the same instants: cpu 0
    const instance = run.exposition.addresses.get('a')!;
    const scrapes = run.exposition.scrapes.filter((s) => s.target === 'a' && s.timestampMs / 1000 > at - 3 && s.timestampMs / 1000 <= at);
    expect(scrapes.map((s) => s.scrape)).toContain(RESET_AT);
    for (const [m, mode] of MODES.entries()) {
      const cpu0 = scrapes.map((s) => s.families.find((f) => f.name === METRIC)!.samples.find((x) => x.labels.cpu === '0' && x.labels.mode === mode)!.value);
      const r = await run.client.query(`increase(${METRIC}{phoenix_variant="baseline", instance="${instance}", cpu="0", mode="${mode}"}[3s])`, at);
      const factor = (r.resultType === 'vector' ? r.result[0]!.value[1] : NaN) / (cpu0[cpu0.length - 1]! - cpu0[0]!);
      expect(factor).toBeGreaterThanOrEqual(1);
      // cpu 1's first value after the restart is 2 + m: the candidate's increase() is lower by exactly that, extrapolated
      const missed = baseline.get(mode)! - candidate.get(mode)!;
      expect(Math.abs(missed - (2 + m) * factor), mode).toBeLessThanOrEqual(1e-9 * baseline.get(mode)!);
    }
  });

  it('a pod replaced mid-window: the new pod answers the same in both variants once it has two points', async () => {
    const c = run.exposition.scrapes.filter((s) => s.target === 'c' && s.families.length > 0).map((s) => s.timestampMs / 1000);
    const query = `sum by (instance, mode) (rate(node_cpu_seconds_total{instance="${run.exposition.addresses.get('c')}"}[5m]))`;
    const verdict = compareRangeResults(
      await answer(query, 'baseline', c[3]! + 0.5, c[c.length - 1]!),
      await answer(query, 'by-mode', c[3]! + 0.5, c[c.length - 1]!),
      { ignoreLabels: ['phoenix_variant'] },
    );
    expect(verdict.differences).toEqual([]);
    expect(verdict.comparedPoints).toBeGreaterThan(0);
  });
});
