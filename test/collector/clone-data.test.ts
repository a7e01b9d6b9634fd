import { describe, expect, it } from 'vitest';
import { cloneData } from '../../constructs/collector/clone-data';

describe('cloneData', () => {
  it('copies configuration data deeply, like structuredClone', () => {
    // GIVEN nested config data with a key that names the prototype
    const value = JSON.parse('{"a": [1, {"b": "x"}], "n": null, "__proto__": {"polluted": true}}') as Record<string, unknown>;
    // WHEN copied
    const copy = cloneData(value);
    // THEN it equals the original, shares nothing with it, and keeps __proto__ as a plain key
    expect(copy).toEqual(structuredClone(value));
    expect(copy.a).not.toBe(value.a);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['a', 'n', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('falls back to structuredClone for values that are not plain data', () => {
    const date = new Date(0);
    const copy = cloneData({ when: date, map: new Map([[1, 2]]) });
    expect(copy.when).toEqual(date);
    expect(copy.when).not.toBe(date);
    expect(copy.map.get(1)).toBe(2);
  });
});
