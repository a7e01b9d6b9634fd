import { describe, expect, it } from 'vitest';
import type { Series } from '../series/model';
import { simulateProcessors, simulateValues, type ConfiguredProcessor } from './index';

const counters: Series[] = [
  { name: 'jobs_total', labels: { job: 'w', instance: 'i', queue: 'a', pod: 'p1' }, type: 'counter' },
  { name: 'jobs_total', labels: { job: 'w', instance: 'i', queue: 'a', pod: 'p2' }, type: 'counter' },
];
// p2 resets at t=180 (its pod restarted): 30 → 5
const samples = [
  [
    [60, 100],
    [120, 110],
    [180, 120],
    [240, 130],
  ],
  [
    [60, 10],
    [120, 30],
    [180, 5],
    [240, 15],
  ],
] as Array<Array<[number, number]>>;

const aggregate = (fn: string): ConfiguredProcessor => ({
  id: 'transform/agg',
  config: { metric_statements: [{ context: 'metric', statements: [`aggregate_on_attributes("${fn}", ["queue"])`] }] },
});
const simulate = (processors: ConfiguredProcessor[]) => {
  const result = simulateProcessors(processors, { exporter: 'prometheusremotewrite' }, counters, { trackValues: true });
  return simulateValues(result.output, samples);
};

describe('simulateValues', () => {
  it('sums per timestamp: a reset in one input shows as a drop in the aggregate', () => {
    const [out] = simulate([aggregate('sum')]);
    expect(out!.labels).toEqual({ queue: 'a', job: 'w', instance: 'i' });
    expect(out!.samples).toEqual([
      [60, 110],
      [120, 140],
      [180, 125],
      [240, 145],
    ]);
  });

  it('max, min, mean, count and median per timestamp', () => {
    expect(simulate([aggregate('max')])[0]!.samples.map(([, v]) => v)).toEqual([100, 110, 120, 130]);
    expect(simulate([aggregate('min')])[0]!.samples.map(([, v]) => v)).toEqual([10, 30, 5, 15]);
    expect(simulate([aggregate('mean')])[0]!.samples.map(([, v]) => v)).toEqual([55, 70, 62.5, 72.5]);
    expect(simulate([aggregate('count')])[0]!.samples.map(([, v]) => v)).toEqual([2, 2, 2, 2]);
    expect(simulate([aggregate('median')])[0]!.samples.map(([, v]) => v)).toEqual([55, 70, 62.5, 72.5]);
  });

  it("through cumulativetodelta → sum → deltatocumulative, a reset emits no delta: the reset stream's first value after the restart is not counted", () => {
    // cumulativetodelta: first point dropped; at a decrease (a reset) no delta, the new value becomes the reference.
    const [out] = simulate([{ id: 'cumulativetodelta', config: {} }, aggregate('sum'), { id: 'deltatocumulative', config: {} }]);
    // deltas: t120 → 10 + 20, t180 → 10 (p2 reset: 5 not counted), t240 → 10 + 10
    expect(out!.samples).toEqual([
      [120, 30],
      [180, 40],
      [240, 60],
    ]);
    // against the baseline's increase (rate() counts the 5 after the restart), the merged counter is short by exactly 5 from the reset on
    const baselineIncrease = [30, 45, 65];
    expect(out!.samples.map(([, v], i) => baselineIncrease[i]! - v)).toEqual([0, 5, 5]);
  });

  it('a stream that resets alone leaves no merged point at the reset; one that disappears and comes back is compared with its last point', () => {
    const [gap, alone] = [
      [
        [60, 1],
        [120, 4],
        [240, 9],
        [300, 2],
        [360, 6],
      ],
      [
        [60, 5],
        [120, 7],
      ],
    ] as Array<Array<[number, number]>>;
    const one: Series[] = [{ name: 'jobs_total', labels: { job: 'w', instance: 'i', queue: 'a', pod: 'p1' }, type: 'counter' }];
    const result = simulateProcessors(
      [
        { id: 'cumulativetodelta', config: {} },
        { id: 'deltatocumulative', config: {} },
      ],
      { exporter: 'prometheusremotewrite' },
      one,
      { trackValues: true },
    );
    // t240: 9 − 4 across the gap; t300: reset, nothing; t360: 6 − 2
    expect(simulateValues(result.output, [gap!])[0]!.samples).toEqual([
      [120, 3],
      [240, 8],
      [360, 12],
    ]);
    expect(simulateValues(result.output, [alone!])[0]!.samples).toEqual([[120, 2]]);
  });

  it('a histogram point resets as a whole and keeps the point before the reset as its reference', () => {
    const histogram: Series[] = ['0.5', '+Inf'].map((le) => ({
      name: 'rt_seconds_bucket',
      labels: { job: 'w', instance: 'i', le },
      type: 'histogram' as const,
    }));
    histogram.push(
      { name: 'rt_seconds_sum', labels: { job: 'w', instance: 'i' }, type: 'histogram' },
      { name: 'rt_seconds_count', labels: { job: 'w', instance: 'i' }, type: 'histogram' },
    );
    // restart after t=120: the count drops; the le=0.5 bucket alone would not show it
    const count = [
      [60, 10],
      [120, 20],
      [180, 5],
      [240, 15],
      [300, 25],
      [360, 30],
    ] as Array<[number, number]>;
    const low = [
      [60, 4],
      [120, 4],
      [180, 4],
      [240, 6],
      [300, 8],
      [360, 9],
    ] as Array<[number, number]>;
    const sum = count.map(([t, v]): [number, number] => [t, v / 2]);
    const result = simulateProcessors(
      [
        { id: 'cumulativetodelta', config: {} },
        { id: 'deltatocumulative', config: {} },
      ],
      { exporter: 'prometheusremotewrite' },
      histogram,
      { trackValues: true },
    );
    const values = new Map(simulateValues(result.output, [low, count, sum, count]).map((s) => [`${s.name}${s.labels.le ?? ''}`, s.samples]));
    // t180 and t240 stay below t120's count (20): nothing; t300 is measured from t120
    expect(values.get('rt_seconds_count')).toEqual([
      [120, 10],
      [300, 15],
      [360, 20],
    ]);
    expect(values.get('rt_seconds_bucket+Inf')).toEqual([
      [120, 10],
      [300, 15],
      [360, 20],
    ]);
    expect(values.get('rt_seconds_bucket0.5')).toEqual([
      [120, 0],
      [300, 4],
      [360, 5],
    ]);
    expect(values.get('rt_seconds_sum')).toEqual([
      [120, 5],
      [300, 7.5],
      [360, 10],
    ]);
  });

  it('with start times set (OTLP), a restarted or new stream counts its first value whole, as its own point; only streams present from the start drop it', () => {
    const result = simulateProcessors(
      [{ id: 'cumulativetodelta', config: {} }, aggregate('sum'), { id: 'deltatocumulative', config: {} }],
      { exporter: 'prometheusremotewrite' },
      counters,
      { trackValues: true },
    );
    const set = (input: Array<Array<[number, number]>>, conflict: 'latest-start' | 'earliest-start') =>
      simulateValues(result.output, input, { startTimes: 'set', conflict })[0]!.samples;
    // p2 restarts at 180 (30 → 5): a new start time, a new stream whose 5 counts whole; its delta starts at the
    // restart, p1's at 120: two points at 180, deltatocumulative keeps one (p2's 5, or p1's 10)
    expect(set(samples, 'latest-start')).toEqual([
      [120, 30],
      [180, 35],
      [240, 55],
    ]);
    expect(set(samples, 'earliest-start')).toEqual([
      [120, 30],
      [180, 40],
      [240, 60],
    ]);
    // both streams restarting together (one process): one point, exact
    const both = [
      [
        [60, 100],
        [120, 110],
        [180, 4],
        [240, 14],
      ],
      [
        [60, 10],
        [120, 30],
        [180, 5],
        [240, 15],
      ],
    ] as Array<Array<[number, number]>>;
    expect(set(both, 'latest-start')).toEqual([
      [120, 30],
      [180, 39],
      [240, 59],
    ]);
    // without start times the restart's 9 is never counted
    expect(simulateValues(result.output, both)[0]!.samples).toEqual([
      [120, 30],
      [240, 50],
    ]);
    // a pod first seen at 180 (after the input's first timestamp) started after the collector: its 7 counts
    const late = [
      samples[0]!,
      [
        [180, 7],
        [240, 9],
      ],
    ] as Array<Array<[number, number]>>;
    expect(set(late, 'latest-start')).toEqual([
      [120, 10],
      [180, 17],
      [240, 29],
    ]);
  });

  it('with the delta starts aligned before the merge, a histogram back above its counts and a counter back from a gap add to the others (no conflict)', () => {
    const keep = (align: boolean): ConfiguredProcessor => ({
      id: 'transform/keep',
      config: {
        metric_statements: [
          {
            context: 'datapoint',
            statements: [
              ...(align ? ['set(start_time_unix_nano, 0) where metric.aggregation_temporality == AGGREGATION_TEMPORALITY_DELTA'] : []),
              'keep_keys(attributes, ["queue"])',
            ],
          },
          { context: 'metric', statements: ['aggregate_on_attributes("sum", ["queue"])'] },
        ],
      },
    });
    const run = (series: Series[], input: Array<Array<[number, number]>>, align: boolean, name = 'jobs_total') => {
      const result = simulateProcessors(
        [{ id: 'cumulativetodelta', config: {} }, keep(align), { id: 'deltatocumulative', config: {} }],
        { exporter: 'prometheusremotewrite' },
        series,
        { trackValues: true },
      );
      expect(result.notes).toEqual([]);
      return (['latest-start', 'earliest-start'] as const).map(
        (conflict) => simulateValues(result.output, input, { conflict }).find((s) => s.name === name)!.samples,
      );
    };
    // p2 is gone at 180 and back at 240: its delta starts at 120, p1's at 180
    const gap = [
      samples[0]!,
      [
        [60, 10],
        [120, 30],
        [240, 45],
      ],
    ] as Array<Array<[number, number]>>;
    expect(run(counters, gap, false)).toEqual([
      [
        [120, 30],
        [180, 40],
        [240, 50],
      ],
      [
        [120, 30],
        [180, 40],
        [240, 55],
      ],
    ]);
    expect(run(counters, gap, true)).toEqual([
      [
        [120, 30],
        [180, 40],
        [240, 65],
      ],
      [
        [120, 30],
        [180, 40],
        [240, 65],
      ],
    ]);
    // one histogram route per pod; p2's lower bucket's own count drops at 180 (a reset) and is back at 240
    const histogram: Series[] = ['p1', 'p2'].flatMap((pod) => [
      ...['0.5', '+Inf'].map((le) => ({ name: 'rt_seconds_bucket', labels: { job: 'w', instance: 'i', queue: 'a', pod, le }, type: 'histogram' as const })),
      { name: 'rt_seconds_count', labels: { job: 'w', instance: 'i', queue: 'a', pod }, type: 'histogram' as const },
    ]);
    const p1 = [
      [60, 10],
      [120, 12],
      [180, 14],
      [240, 16],
    ] as Array<[number, number]>;
    const p2 = [
      [60, 20],
      [120, 23],
      [180, 26],
      [240, 29],
    ] as Array<[number, number]>;
    const p2low = [
      [60, 5],
      [120, 8],
      [180, 7],
      [240, 9],
    ] as Array<[number, number]>;
    const [unaligned, aligned] = [false, true].map((align) => run(histogram, [p1, p1, p1, p2low, p2, p2], align, 'rt_seconds_count'));
    // at 240: p1 adds 2 (from 180), p2 adds 6 (from 120): either one (unaligned) or both (aligned)
    expect(unaligned).toEqual([
      [
        [120, 5],
        [180, 7],
        [240, 9],
      ],
      [
        [120, 5],
        [180, 7],
        [240, 13],
      ],
    ]);
    expect(aligned).toEqual([
      [
        [120, 5],
        [180, 7],
        [240, 15],
      ],
      [
        [120, 5],
        [180, 7],
        [240, 15],
      ],
    ]);
  });

  it('keeps the last writer where series collide', () => {
    const keepOnly: ConfiguredProcessor = {
      id: 'transform/k',
      config: { metric_statements: [{ context: 'datapoint', statements: ['keep_keys(attributes, ["queue"])'] }] },
    };
    const [out] = simulate([keepOnly]);
    expect(out!.samples).toEqual(samples[1]);
  });

  it('fails when provenance was not tracked', () => {
    const result = simulateProcessors([], {}, counters);
    expect(() => simulateValues(result.output, samples)).toThrow(/simulate with trackValues: true/);
  });
});
