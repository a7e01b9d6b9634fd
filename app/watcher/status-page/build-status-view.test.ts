import { describe, expect, it } from 'vitest';
import type { Decision, WindowResult } from '../../../analysis/decide/types';
import { buildStatusView, historyKey, promotedSavings } from './build-status-view';

function window(start: number, baselineSeries: number, candidateSeries: number, overrides: Partial<WindowResult> = {}): WindowResult {
  const cost = (series: number) => ({
    activeSeries: series,
    samplesPerSecond: series / 60,
    estimatedBytesPerMonth: 0,
    monthlyCost: (series * 0.0065).toFixed(4),
  });
  return {
    start,
    end: start + 600,
    verdict: 'pass',
    checks: [
      {
        kind: 'guardrail',
        id: 'p99',
        hard: true,
        verdict: 'pass',
        statistic: 'relative difference of window means',
        baseline: 0.25,
        candidate: 0.25,
        difference: 0,
        threshold: 0.02,
        detail: 'same answer',
      },
      {
        kind: 'health',
        id: 'otelcol_processor_dropped_metric_points',
        hard: true,
        verdict: 'pass',
        statistic: 'rate',
        baseline: 0,
        candidate: null,
        difference: null,
        threshold: 0,
        detail: 'none dropped',
      },
    ],
    baselineCost: cost(baselineSeries),
    candidateCost: cost(candidateSeries),
    savingPercent: 0,
    savingSufficient: true,
    hardFailure: false,
    ...overrides,
  };
}

function decision(overrides: Partial<Decision> = {}): Decision {
  return {
    experiment: 'drop-pod',
    environment: 'dev',
    variant: 'by-route',
    specHash: 'h',
    phase: 'running',
    action: 'promote',
    verdict: 'pass',
    standing: 'pass',
    reason: '3 consecutive passing windows',
    savingPercent: 60,
    evidence: {
      queries: [],
      thresholds: {
        consecutivePasses: 3,
        failureLimit: 2,
        minSavingsPercent: 10,
        windowMinutes: 10,
        warmUpMinutes: 5,
        bakeTimeMinutes: 60,
        bytesPerSampleEstimate: 2,
        currency: 'EUR',
      },
      deployment: { source: 'kubernetes', current: true },
      measurementStart: null,
      failures: [],
    },
    windows: [window(1200, 1000, 400), window(1800, 1000, 400)],
    decidedAt: '2026-11-25T12:00:00Z',
    ...overrides,
  };
}

describe('buildStatusView', () => {
  it('shows each candidate against the baseline with series, samples, money and saving', () => {
    // GIVEN one promote decision
    const view = buildStatusView({ generatedAt: 'now', decisions: [decision()] });
    // THEN the experiment lists the baseline and the candidate with exact money
    const experiment = view.environments[0]!.experiments[0]!;
    expect(experiment).toMatchObject({ name: 'drop-pod', environment: 'dev', phase: 'running', verdict: 'pass', reason: '3 consecutive passing windows' });
    expect(experiment.variants).toEqual([
      { name: 'baseline', activeSeries: 1000, samplesPerMinute: 1000, monthlyCost: '6.5000', currency: 'EUR' },
      { name: 'by-route', activeSeries: 400, samplesPerMinute: 400, monthlyCost: '2.6000', currency: 'EUR', seriesSavingPercent: 60, monthlySaving: '3.90' },
    ]);
    expect(experiment.guardrails).toEqual([
      {
        name: 'p99',
        query: '',
        detail: 'same answer',
        verdict: 'pass',
        values: [
          { variant: 'baseline', value: 0.25 },
          { variant: 'by-route', value: 0.25 },
        ],
      },
    ]);
    expect(experiment.health[0]!.values).toEqual([{ variant: 'baseline', value: 0 }, { variant: 'by-route' }]);
  });

  it('merges earlier windows with the newest, one chart point per window and variant', () => {
    const history = new Map([[historyKey('drop-pod', 'dev', 'by-route'), [window(0, 900, 300), window(600, 950, 350), window(1200, 1, 1)]]]);
    const view = buildStatusView({ generatedAt: 'now', decisions: [decision()], windowHistory: history });
    const points = view.environments[0]!.experiments[0]!.costHistory;
    expect(points.filter((p) => p.variant === 'baseline').map((p) => p.activeSeries)).toEqual([900, 950, 1000, 1000]);
    expect(points.filter((p) => p.variant === 'by-route').map((p) => [p.time, p.activeSeries])).toEqual([
      [600_000, 300],
      [1_200_000, 350],
      [1_800_000, 400],
      [2_400_000, 400],
    ]);
  });

  it('links the known pull request, else the pushed proposal branch, and the decision records in git', () => {
    const records = [
      {
        experiment: 'drop-pod',
        environment: 'dev',
        path: 'experiments/decisions/drop-pod/dev-20261101T000000Z-rollback.json',
        action: 'rollback',
        decidedAt: '2026-11-01T00:00:00Z',
        verdict: 'fail',
        variant: 'v1',
      },
    ];
    const known = buildStatusView({
      generatedAt: 'now',
      decisions: [decision()],
      pullRequests: new Map([['phoenix/promote/drop-pod/dev', { url: 'https://git.example/o/r/pull/3', state: 'open' as const, title: 'Promote' }]]),
      decisionRecords: records,
      repoWebUrl: 'https://git.example/o/r',
    }).environments[0]!.experiments[0]!;
    expect(known.pullRequest?.url).toBe('https://git.example/o/r/pull/3');
    expect(known.decisions.map((d) => [d.action, d.recordUrl])).toEqual([
      ['promote', undefined],
      ['rollback', 'https://git.example/o/r/blob/main/experiments/decisions/drop-pod/dev-20261101T000000Z-rollback.json'],
    ]);
    const unknown = buildStatusView({
      generatedAt: 'now',
      decisions: [decision({ action: 'rollback', verdict: 'fail' })],
      repoWebUrl: 'https://git.example/o/r',
      proposalsPushed: true,
    }).environments[0]!.experiments[0]!;
    expect(unknown.pullRequest).toBeUndefined();
    expect(unknown.proposal).toEqual({
      branch: 'phoenix/rollback/drop-pod/dev',
      pushed: true,
      url: 'https://git.example/o/r/tree/phoenix/rollback/drop-pod/dev',
    });
    // in observe mode (or a dry run) no branch exists: it is named, never linked
    const observed = buildStatusView({
      generatedAt: 'now',
      decisions: [decision({ action: 'rollback', verdict: 'fail' })],
      repoWebUrl: 'https://git.example/o/r',
    }).environments[0]!.experiments[0]!;
    expect(observed.proposal).toEqual({ branch: 'phoenix/rollback/drop-pod/dev', pushed: false });
    expect(buildStatusView({ generatedAt: 'now', decisions: [decision({ action: 'none' })] }).environments[0]!.experiments[0]!.proposal).toBeUndefined();
  });

  it('shows a verdict only where one was made: none for pending, promoted and rolled-back experiments', () => {
    for (const phase of ['pending', 'promoted', 'rolled-back'] as const) {
      const view = buildStatusView({
        generatedAt: 'now',
        decisions: [decision({ action: 'none', verdict: 'inconclusive' })],
        states: { 'drop-pod': { dev: { phase } } },
      });
      expect(view.environments[0]!.experiments[0]).toMatchObject({ phase, verdict: 'none' });
    }
    const running = buildStatusView({
      generatedAt: 'now',
      decisions: [decision({ action: 'none', verdict: 'inconclusive' })],
      states: { 'drop-pod': { dev: { phase: 'running' } } },
    });
    expect(running.environments[0]!.experiments[0]).toMatchObject({ verdict: 'inconclusive' });
  });

  it('takes the worst verdict over candidates and the phase from the state file', () => {
    const view = buildStatusView({
      generatedAt: 'now',
      decisions: [decision({ action: 'none' }), decision({ variant: 'no-pod', action: 'none', verdict: 'error', reason: 'query rejected' })],
      states: { 'drop-pod': { dev: { phase: 'paused' } } },
    });
    expect(view.environments[0]!.experiments[0]).toMatchObject({ phase: 'paused', verdict: 'error', reason: 'query rejected' });
  });

  it('sums frozen savings of promoted experiments exactly, per currency', () => {
    // GIVEN savings that floats would not add exactly
    const states = {
      a: {
        dev: { phase: 'promoted' as const, frozenSaving: { seriesBefore: 10, seriesAfter: 5, monthlySaving: '0.10', currency: 'USD' } },
        prod: { phase: 'promoted' as const, frozenSaving: { seriesBefore: 10, seriesAfter: 5, monthlySaving: '0.20', currency: 'USD' } },
      },
      b: { dev: { phase: 'promoted' as const, frozenSaving: { seriesBefore: 10, seriesAfter: 5, monthlySaving: '7', currency: 'EUR' } } },
      c: { dev: { phase: 'rolled-back' as const, frozenSaving: { seriesBefore: 10, seriesAfter: 5, monthlySaving: '99', currency: 'USD' } } },
    };
    expect(promotedSavings(states)).toEqual([
      { currency: 'EUR', amount: '7.00' },
      { currency: 'USD', amount: '0.30' },
    ]);
    // and a promoted experiment without decisions still appears, with its frozen saving
    const view = buildStatusView({ generatedAt: 'now', decisions: [], states, environmentOrder: ['dev', 'staging', 'prod'] });
    expect(view.environments.map((e) => [e.name, e.experiments.map((x) => x.name)])).toEqual([
      ['dev', ['a', 'b', 'c']],
      ['staging', []],
      ['prod', ['a']],
    ]);
    expect(view.environments[0]!.experiments[0]!.frozenSaving?.monthlySaving).toBe('0.10');
  });
});
