import { describe, expect, it } from 'vitest';
import { experimentInput } from '../../app/watcher/repo-inputs';
import type { ExperimentManifest } from '../../constructs/experiment/manifest';

const manifest = (exprs: string[]) =>
  ({
    name: 'exp',
    variants: [
      { name: 'baseline', kind: 'baseline', processors: [] },
      { name: 'cheap', kind: 'candidate', processors: [] },
    ],
    guardrails: { minSavingsPercent: 10, queries: exprs.map((expr, i) => ({ name: `g${i}`, expr, hard: true, tolerancePercent: 2 })) },
    promotion: { windowMinutes: 10, windows: 3, consecutivePasses: 2, failureLimit: 1, bakeTimeMinutes: 0 },
  }) as unknown as ExperimentManifest;

describe('the watcher judges guardrails in their strict forms', () => {
  it('adds an alert without its threshold and each operand of a set operator, each a named check', () => {
    // GIVEN an alert guardrail and a plain one
    const input = experimentInput(manifest(['rate(errors_total[5m]) > 0.5 unless on() maintenance == 1', 'sum(rate(x[5m]))']));
    // THEN the alert is checked as written and in every form that keeps data; the plain one once
    expect(input.guardrails.map((g) => [g.id, g.query])).toEqual([
      ['g0', 'rate(errors_total[5m]) > 0.5 unless on() maintenance == 1'],
      ['g0 ⟨rate(errors_total[5m]) > 0.5⟩', 'rate(errors_total[5m]) > 0.5'],
      ['g0 ⟨rate(errors_total[5m])⟩', 'rate(errors_total[5m])'],
      ['g0 ⟨maintenance == 1⟩', 'maintenance == 1'],
      ['g0 ⟨maintenance⟩', 'maintenance'],
      ['g1', 'sum(rate(x[5m]))'],
    ]);
    // AND every form keeps the guardrail's hardness and tolerance
    expect(new Set(input.guardrails.map((g) => `${g.hard}/${g.relativeTolerance}`))).toEqual(new Set(['true/0.02']));
  });
});
