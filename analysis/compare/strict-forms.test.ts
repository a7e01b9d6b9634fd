import { describe, expect, it } from 'vitest';
import { strictForms } from './index';

describe('strictForms', () => {
  it('compares an alert without its threshold and each operand of and/or/unless, recursively', () => {
    expect(strictForms('rate(errors[5m]) > 0.5 and on(job) up == 1')).toEqual([
      'rate(errors[5m]) > 0.5 and on(job) up == 1',
      'rate(errors[5m]) > 0.5',
      'rate(errors[5m])',
      'up == 1',
      'up',
    ]);
  });

  it('adds the operand of a topk/bottomk answer, whose ties are excused', () => {
    expect(strictForms('topk(5, rate(x[4m]) > 0)')).toEqual(['topk(5, rate(x[4m]) > 0)', 'rate(x[4m]) > 0', 'rate(x[4m])']);
  });

  it('keeps a comparison with bool (its answer keeps every series) and an unparsable query as they are', () => {
    expect(strictForms('x > bool 1')).toEqual(['x > bool 1']);
    expect(strictForms('sum(')).toEqual(['sum(']);
  });
});
