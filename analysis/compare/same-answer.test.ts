import { describe, expect, it } from 'vitest';
import { compareRangeResults, valuesEqual } from './index';

const s = (metric: Record<string, string>, values: Array<[number, number]>) => ({ metric, values });

describe('compareRangeResults', () => {
  it('finds equal results the same within 1e-9 relative, ignoring the variant label', () => {
    // GIVEN the baseline and candidate answers, labelled by variant, one off by 1e-12 relative
    const expected = [
      s({ route: '/a', phoenix_variant: 'baseline' }, [
        [60, 1],
        [120, NaN],
        [180, 0],
      ]),
    ];
    const actual = [
      s({ route: '/a', phoenix_variant: 'candidate' }, [
        [60, 1 + 1e-12],
        [120, NaN],
        [180, 0],
      ]),
    ];
    // WHEN compared without the variant label
    const result = compareRangeResults(expected, actual, { ignoreLabels: ['phoenix_variant'] });
    // THEN they are the same
    expect(result).toMatchObject({ same: true, comparedPoints: 3, differenceCount: 0 });
  });

  it('reports value, missing and extra points and series', () => {
    const expected = [
      s({ route: '/a' }, [
        [60, 1],
        [120, 2],
      ]),
      s({ route: '/b' }, [[60, 1]]),
    ];
    const actual = [
      s({ route: '/a' }, [
        [60, 1.5],
        [180, 3],
      ]),
      s({ route: '/c' }, [[60, 1]]),
    ];
    const result = compareRangeResults(expected, actual);
    expect(result.same).toBe(false);
    expect(result.differences.map((d) => d.kind).sort()).toEqual(['extra-point', 'extra-series', 'missing-point', 'missing-series', 'value']);
    expect(result.maxRelativeError).toBeCloseTo(1 / 3, 12);
  });

  it('does not confuse the same labels under different identities when labels are not ignored', () => {
    const result = compareRangeResults([s({ v: 'baseline' }, [[1, 1]])], [s({ v: 'candidate' }, [[1, 1]])]);
    expect(result.differenceCount).toBe(2);
  });
});

describe('valuesEqual', () => {
  it('treats NaN as equal to NaN only, 0 absolutely, infinities exactly', () => {
    expect(valuesEqual(NaN, NaN)).toBe(true);
    expect(valuesEqual(NaN, 0)).toBe(false);
    expect(valuesEqual(0, 1e-10)).toBe(true);
    expect(valuesEqual(0, 1e-8)).toBe(false);
    expect(valuesEqual(1e6, 1e6 + 1e-4)).toBe(true);
    expect(valuesEqual(1e6, 1e6 + 1e-2)).toBe(false);
    expect(valuesEqual(Infinity, Infinity)).toBe(true);
    expect(valuesEqual(Infinity, 1e308)).toBe(false);
  });
});
