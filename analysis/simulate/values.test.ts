import { describe, expect, it } from 'vitest';
import type { Series } from '../series/model';
import { simulateProcessors, simulateValues, type ConfiguredProcessor } from './index';

const counters: Series[] = [
  { name: 'jobs_total', labels: { job: 'w', instance: 'i', queue: 'a', pod: 'p1' }, type: 'counter' },
  { name: 'jobs_total', labels: { job: 'w', instance: 'i', queue: 'a', pod: 'p2' }, type: 'counter' },
];
// p2 resets at t=180 (its pod restarted): 30 → 5
const samples = [
  [[60, 100], [120, 110], [180, 120], [240, 130]],
  [[60, 10], [120, 30], [180, 5], [240, 15]],
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
    expect(out!.samples).toEqual([[60, 110], [120, 140], [180, 125], [240, 145]]);
  });

  it('max, min, mean, count and median per timestamp', () => {
    expect(simulate([aggregate('max')])[0]!.samples.map(([, v]) => v)).toEqual([100, 110, 120, 130]);
    expect(simulate([aggregate('min')])[0]!.samples.map(([, v]) => v)).toEqual([10, 30, 5, 15]);
    expect(simulate([aggregate('mean')])[0]!.samples.map(([, v]) => v)).toEqual([55, 70, 62.5, 72.5]);
    expect(simulate([aggregate('count')])[0]!.samples.map(([, v]) => v)).toEqual([2, 2, 2, 2]);
    expect(simulate([aggregate('median')])[0]!.samples.map(([, v]) => v)).toEqual([55, 70, 62.5, 72.5]);
  });

  it('through cumulativetodelta → sum → deltatocumulative, a reset adds the new value, as rate() does', () => {
    // cumulativetodelta: first point dropped; a decrease is a reset and the delta is the new value.
    const [out] = simulate([{ id: 'cumulativetodelta', config: {} }, aggregate('sum'), { id: 'deltatocumulative', config: {} }]);
    // deltas: t120 → 10 + 20, t180 → 10 + 5 (reset), t240 → 10 + 10
    expect(out!.samples).toEqual([[120, 30], [180, 45], [240, 65]]);
  });

  it('keeps the last writer where series collide', () => {
    const keepOnly: ConfiguredProcessor = { id: 'transform/k', config: { metric_statements: [{ context: 'datapoint', statements: ['keep_keys(attributes, ["queue"])'] }] } };
    const [out] = simulate([keepOnly]);
    expect(out!.samples).toEqual(samples[1]);
  });

  it('fails when provenance was not tracked', () => {
    const result = simulateProcessors([], {}, counters);
    expect(() => simulateValues(result.output, samples)).toThrow(/simulate with trackValues: true/);
  });
});
