import { describe, expect, it } from 'vitest';
import { checkGuardrail } from '../decide/guardrail-check';
import { alignSelectionTies, compareRangeResults, selectionOf } from './index';

const s = (metric: Record<string, string>, values: Array<[number, number]>) => ({ metric, values });
const ignoreLabels = ['phoenix_variant'];

describe('selectionOf', () => {
  it('sees topk/bottomk through parentheses and arithmetic or comparison with a number', () => {
    expect(selectionOf('topk(5, rate(x[4m])) > 0')).toEqual({ op: 'topk' });
    expect(selectionOf('(bottomk by (job) (2, x)) * 100')).toEqual({ op: 'bottomk', grouping: { without: false, labels: ['job'] } });
    expect(selectionOf('100 * topk without (pod) (3, x)')).toEqual({ op: 'topk', grouping: { without: true, labels: ['pod'] } });
  });

  it('is none where the selection is not the answer', () => {
    expect(selectionOf('sum(topk(5, x))')).toBeUndefined();
    expect(selectionOf('topk(5, x) and on() y')).toBeUndefined();
    expect(selectionOf('topk(5, x) / y')).toBeUndefined();
    expect(selectionOf('rate(x[5m])')).toBeUndefined();
    expect(selectionOf('topk(')).toBeUndefined();
  });
});

describe('alignSelectionTies', () => {
  // GIVEN topk(2): the baseline picked a=5 and b=3; the candidate, tied at 3, picked c instead of b
  const expected = [s({ id: 'a', phoenix_variant: 'baseline' }, [[60, 5]]), s({ id: 'b', phoenix_variant: 'baseline' }, [[60, 3]])];

  it('lets a series tied at the boundary stand in for another', () => {
    const actual = [s({ id: 'a', phoenix_variant: 'c' }, [[60, 5]]), s({ id: 'c', phoenix_variant: 'c' }, [[60, 3]])];
    expect(compareRangeResults(expected, actual, { ignoreLabels }).same).toBe(false);
    expect(compareRangeResults(expected, actual, { ignoreLabels, selection: { op: 'topk' } })).toMatchObject({ same: true, comparedPoints: 2 });
  });

  it('does not excuse a different series above the boundary, or another value at it', () => {
    const above = [s({ id: 'c', phoenix_variant: 'c' }, [[60, 5]]), s({ id: 'b', phoenix_variant: 'c' }, [[60, 3]])];
    expect(compareRangeResults(expected, above, { ignoreLabels, selection: { op: 'topk' } }).same).toBe(false);
    const other = [s({ id: 'a', phoenix_variant: 'c' }, [[60, 5]]), s({ id: 'c', phoenix_variant: 'c' }, [[60, 4]])];
    expect(compareRangeResults(expected, other, { ignoreLabels, selection: { op: 'topk' } }).same).toBe(false);
    const fewer = [s({ id: 'a', phoenix_variant: 'c' }, [[60, 5]])];
    expect(compareRangeResults(expected, fewer, { ignoreLabels, selection: { op: 'topk' } }).same).toBe(false);
  });

  it('uses the bottom boundary for bottomk', () => {
    const actual = [s({ id: 'a', phoenix_variant: 'c' }, [[60, 5]]), s({ id: 'c', phoenix_variant: 'c' }, [[60, 3]])];
    expect(compareRangeResults(expected, actual, { ignoreLabels, selection: { op: 'bottomk' } }).same).toBe(false);
    const tiedHigh = [s({ id: 'd', phoenix_variant: 'c' }, [[60, 5]]), s({ id: 'b', phoenix_variant: 'c' }, [[60, 3]])];
    expect(compareRangeResults(expected, tiedHigh, { ignoreLabels, selection: { op: 'bottomk' } }).same).toBe(true);
  });

  it('judges each group of a grouped selection at its own boundary, per timestamp', () => {
    const want = [
      s({ job: 'x', id: 'a' }, [
        [60, 9],
        [120, 9],
      ]),
      s({ job: 'y', id: 'b' }, [
        [60, 1],
        [120, 1],
      ]),
    ];
    // at 60 the candidate's y-group picked c (tied with b at y's boundary); at 120 a y series of another value
    const got = [
      s({ job: 'x', id: 'a' }, [
        [60, 9],
        [120, 9],
      ]),
      s({ job: 'y', id: 'c' }, [
        [60, 1],
        [120, 2],
      ]),
    ];
    const aligned = alignSelectionTies(want, got, { op: 'topk', grouping: { without: false, labels: ['job'] } });
    expect(aligned.find((x) => x.metric.id === 'b')?.values).toEqual([[60, 1]]);
    expect(aligned.find((x) => x.metric.id === 'c')?.values).toEqual([[120, 2]]);
    // the same swap above the boundary of the whole answer is a difference without grouping, a tie with it
    const first = want.map((x) => s(x.metric, [x.values[0]!]));
    const swapped = [s({ job: 'x', id: 'c' }, [[60, 9]]), s({ job: 'y', id: 'b' }, [[60, 1]])];
    expect(compareRangeResults(first, swapped, { selection: { op: 'topk' } }).same).toBe(false);
    expect(compareRangeResults(first, swapped, { selection: { op: 'topk', grouping: { without: false, labels: ['job'] } } }).same).toBe(true);
  });
});

describe('the watcher on a topk guardrail', () => {
  const window = { start: 0, end: 600 };
  const points = (v: number) => Array.from({ length: 10 }, (_, i) => [60 * (i + 1), v] as [number, number]);
  const baseline = {
    query: 'topk(2, rate(x[5m]))',
    series: [
      { labels: { id: 'a' }, points: points(5) },
      { labels: { id: 'b' }, points: points(3) },
    ],
  };

  it('passes a candidate that picked another series tied at the boundary', () => {
    const candidate = {
      query: 'topk(2, rate(x[5m]))',
      series: [
        { labels: { id: 'a' }, points: points(5) },
        { labels: { id: 'c' }, points: points(3) },
      ],
    };
    expect(checkGuardrail({ id: 'top', query: 'topk(2, rate(x[5m]))' }, baseline, candidate, window, 60, 0.5).verdict).toBe('pass');
  });

  it('fails the same answers when the query is not a selection', () => {
    const plain = { ...baseline, query: 'rate(x[5m])' };
    const candidate = {
      query: 'rate(x[5m])',
      series: [
        { labels: { id: 'a' }, points: points(5) },
        { labels: { id: 'c' }, points: points(3) },
      ],
    };
    expect(checkGuardrail({ id: 'plain', query: 'rate(x[5m])' }, plain, candidate, window, 60, 0.5).verdict).toBe('fail');
  });
});
