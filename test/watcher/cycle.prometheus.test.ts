import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCycle } from '../../app/watcher/cycle';
import type { Decision } from '../../analysis/decide/types';
import { startPrometheus, type TestPrometheus } from '../support/prometheus';
import { buildScenarioSet, scenarioInputs, type ScenarioSet } from '../support/watcher-scenarios';

const options = { attempts: 2, concurrency: 4 };
const only = (decisions: readonly Decision[], experiment: string) => decisions.find((d) => d.experiment === experiment)!;

describe('watcher cycle against a real Prometheus', () => {
  let prometheus: TestPrometheus;
  let set: ScenarioSet;

  beforeAll(async () => {
    set = buildScenarioSet({ win: 'clear-win', broken: 'guardrail-broken', empty: 'no-data', noisy: 'noisy-fine' });
    prometheus = await startPrometheus({ openMetrics: set.openMetrics() });
  });
  afterAll(async () => {
    await prometheus?.stop();
  });

  it('decides promote for a clear win, rollback for a broken guardrail, inconclusive without data', async () => {
    // WHEN one cycle runs over the backfilled scenarios
    const report = await runCycle(scenarioInputs(set, prometheus.url), set.now, options);
    // THEN each experiment gets the verdict its data calls for, with evidence
    expect(report.problems).toEqual([]);
    const win = only(report.decisions, 'win');
    expect(win).toMatchObject({ action: 'promote', verdict: 'pass', standing: 'pass', variant: 'by-route' });
    // 9 request series + 1 error series → 3 + 1
    expect(win.savingPercent).toBeCloseTo(60, 1);
    expect(win.windows.at(-1)!.baselineCost).toMatchObject({ activeSeries: 10, monthlyCost: '0.0650' });
    expect(win.evidence.queries.some((q) => q.includes('phoenix_variant="by-route"') && q.includes('http_requests_total'))).toBe(true);

    const broken = only(report.decisions, 'broken');
    expect(broken).toMatchObject({ action: 'rollback', verdict: 'fail', standing: 'fail' });
    const check = broken.windows.at(-1)!.checks.find((c) => c.id === 'requests-by-route')!;
    expect(check).toMatchObject({ verdict: 'fail', statistic: 'relative difference of window means', threshold: 0.02 });
    expect(check.difference).toBeCloseTo(0.05, 2);

    const empty = only(report.decisions, 'empty');
    expect(empty).toMatchObject({ action: 'none', verdict: 'inconclusive' });
    expect(empty.reason).toMatch(/no action on missing data/);
  });

  it('issues a number of shared and guardrail queries that does not grow with the experiments', async () => {
    const one = await runCycle(scenarioInputs({ ...set, experiments: set.experiments.slice(0, 1) }, prometheus.url), set.now, options);
    const all = await runCycle(scenarioInputs(set, prometheus.url), set.now, options);
    expect(all.sharedQueries).toBe(7);
    expect(one.sharedQueries).toBe(all.sharedQueries);
    // one query per guardrail expression, whatever the number of experiments and variants
    expect(all.guardrailQueries).toBe(2);
    expect(one.guardrailQueries).toBe(2);
    expect(all.perVariantGuardrailQueries).toBe(0);
  });

  it('keeps a noisy but fine candidate passing across cycles without flipping', async () => {
    // GIVEN ±1% jitter, zero-heavy error counters out of step, and one window with a 3% blip
    const verdicts: string[] = [];
    const standings: string[] = [];
    for (const offset of [0, set.windowSeconds, 2 * set.windowSeconds]) {
      const report = await runCycle(scenarioInputs(set, prometheus.url), set.now + offset, options);
      const noisy = only(report.decisions, 'noisy');
      verdicts.push(...noisy.windows.map((w) => w.verdict));
      standings.push(noisy.standing);
      // THEN it is never rolled back, and the error counters never fail a window
      expect(noisy.action).not.toBe('rollback');
      for (const window of noisy.windows) expect(window.checks.find((c) => c.id === 'error-rate')!.verdict).toBe('pass');
    }
    expect(verdicts).toContain('fail');
    expect(standings).toEqual(['pass', 'pass', 'pass']);
  });

  it('decides inconclusive while Prometheus is down and recovers on the next cycle', async () => {
    // GIVEN Prometheus stops mid-run
    await prometheus.kill();
    const down = await runCycle(scenarioInputs(set, prometheus.url, { timeoutMs: 2_000 }), set.now, options);
    // THEN the cycle reports it and nothing acts
    expect(down.problems.join('\n')).toMatch(/cannot reach Prometheus/);
    expect(down.decisions.every((d) => d.action === 'none' && d.verdict === 'inconclusive')).toBe(true);
    expect(down.guardrailQueries).toBe(0);
    // WHEN it comes back
    await prometheus.restart();
    const up = await runCycle(scenarioInputs(set, prometheus.url), set.now, options);
    expect(only(up.decisions, 'win').action).toBe('promote');
    expect(up.problems).toEqual([]);
  });
});
