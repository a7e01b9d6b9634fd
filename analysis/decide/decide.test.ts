import { describe, expect, it } from 'vitest';
import { decideExperiment, type DecideInput } from './decide';
import { compareCounts, compareRelative } from './statistics';
import type { AnswerSeries, EnvironmentInput, ExperimentInput, Observation, VariantUsage, WindowSpan } from './types';
import { windowGrid } from './windows';

const NOW = 1_800_000_000;
const WINDOW = 600;
const SCRAPE = 60;

const environment: EnvironmentInput = {
  name: 'dev',
  promotionOrder: 0,
  bakeTimeMinutes: 60,
  scrapeIntervalSeconds: SCRAPE,
  priceModel: { currency: 'USD', perThousandSeriesMonth: '6.50' },
};

const experiment: ExperimentInput = {
  name: 'http-histograms',
  variants: [
    { name: 'baseline', specHash: 'b0' },
    { name: 'drop-pod', specHash: 'c1' },
  ],
  guardrails: [{ id: 'error-rate', query: 'sum(rate(http_errors_total[5m]))' }],
  promotion: { windowMinutes: 10, consecutivePasses: 3, failureLimit: 2, minSavingsPercent: 10 },
};

/** Per-window values for the usage of a variant: constant series count, fresh and dense. */
function usage(series: number, windows: number, overrides: Partial<VariantUsage> = {}): VariantUsage {
  const fill = (value: number | null) => Array.from({ length: windows }, () => value);
  return {
    activeSeries: fill(series),
    samplesPerSecond: fill(series / SCRAPE),
    lagSeconds: fill(0),
    droppedPoints: fill(0),
    sendFailedPoints: fill(0),
    refusedPoints: fill(0),
    memoryBytes: fill(100e6),
    ...overrides,
  };
}

/** A guardrail answer with one series, a value per scrape step from `value(t)`. */
function answer(grid: readonly WindowSpan[], value: (t: number, i: number) => number): AnswerSeries[] {
  const points: Array<[number, number]> = [];
  let i = 0;
  for (let t = grid[0]!.start + SCRAPE; t <= grid[grid.length - 1]!.end; t += SCRAPE) points.push([t, value(t, i++)]);
  return [{ labels: {}, points }];
}

function observation(
  windows: number,
  candidateGuardrail: (t: number, i: number) => number,
  baselineGuardrail: (t: number, i: number) => number = () => 10,
): Observation {
  const grid = windowGrid(NOW, WINDOW, windows);
  return {
    windows: grid,
    usage: { baseline: usage(1000, windows), 'drop-pod': usage(400, windows) },
    guardrails: {
      'error-rate': {
        baseline: { query: 'q{phoenix_variant="baseline"}', series: answer(grid, baselineGuardrail) },
        'drop-pod': { query: 'q{phoenix_variant="drop-pod"}', series: answer(grid, candidateGuardrail) },
      },
    },
    queries: ['shared'],
    failures: [],
  };
}

function input(obs: Observation | null, overrides: Partial<DecideInput> = {}): DecideInput {
  return {
    experiment,
    environment,
    lifecycle: { phase: 'running', since: '2020-01-01T00:00:00Z' },
    deployment: { source: 'kubernetes', current: true, revision: 'main@sha1:abc', readySince: '2020-01-01T00:00:00Z' },
    observation: obs,
    earlier: [],
    nowSeconds: NOW,
    ...overrides,
  };
}

/** Deterministic ±1% jitter. */
const jitter = (i: number) => 1 + 0.01 * Math.sin(i * 12.9898);

describe('statistics', () => {
  it('passes ±1% jitter and fails a sustained 5% shift (relative difference of window means)', () => {
    expect(compareRelative(100, 101, 0.02, 1e-9).same).toBe(true);
    expect(compareRelative(100, 105, 0.02, 1e-9).same).toBe(false);
  });

  it('treats single stray events in zero-heavy counters as noise (Poisson tolerance)', () => {
    expect(compareCounts(0, 1, 0.02).same).toBe(true);
    expect(compareCounts(2, 0, 0.02).same).toBe(true);
    expect(compareCounts(0, 30, 0.02).same).toBe(false);
  });
});

describe('decideExperiment', () => {
  it('promotes after N consecutive passes with enough saving (±1% jitter)', () => {
    // GIVEN three windows where the candidate answers within ±1% and saves 60% of the series
    const decisions = decideExperiment(input(observation(3, (_t, i) => 10 * jitter(i))));
    // THEN the candidate is promoted, with evidence
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ variant: 'drop-pod', action: 'promote', verdict: 'pass', standing: 'pass', savingPercent: 60 });
    expect(decisions[0]!.windows).toHaveLength(3);
    expect(decisions[0]!.evidence.queries).toContain('q{phoenix_variant="drop-pod"}');
    expect(JSON.parse(JSON.stringify(decisions))).toEqual(decisions);
  });

  it('rolls back when a hard guardrail shifts 5% for failureLimit windows', () => {
    const decisions = decideExperiment(input(observation(3, () => 10.5)));
    expect(decisions[0]).toMatchObject({ action: 'rollback', verdict: 'fail', standing: 'fail' });
    const check = decisions[0]!.windows[2]!.checks.find((c) => c.id === 'error-rate')!;
    expect(check).toMatchObject({ statistic: 'relative difference of window means', threshold: 0.02 });
    expect(check.difference).toBeCloseTo(0.05, 6);
  });

  it('does not flap on a zero-heavy error counter', () => {
    // GIVEN error rates that are mostly 0, with single errors at different times per variant
    const base = (_t: number, i: number) => (i % 7 === 0 ? 1 / 300 : 0);
    const cand = (_t: number, i: number) => (i % 7 === 3 ? 1 / 300 : 0);
    const decisions = decideExperiment(input(observation(4, cand, base)));
    expect(decisions[0]!.windows.map((w) => w.verdict)).toEqual(['pass', 'pass', 'pass', 'pass']);
    expect(decisions[0]!.windows[0]!.checks.find((c) => c.id === 'error-rate')!.statistic).toBe('absolute increase with Poisson tolerance');
  });

  it('keeps a standing pass through one failing window (hysteresis) and never acts on inconclusive', () => {
    // GIVEN pass, pass, pass, fail, inconclusive (candidate data missing in the last window)
    const obs = observation(5, (t) => (t > NOW - 2 * WINDOW && t <= NOW - WINDOW ? 12 : 10));
    const u = obs.usage['drop-pod']!;
    const patched: Observation = { ...obs, usage: { ...obs.usage, 'drop-pod': { ...u, activeSeries: [...u.activeSeries.slice(0, 4), null] } } };
    const [decision] = decideExperiment(input(patched));
    expect(decision!.windows.map((w) => w.verdict)).toEqual(['pass', 'pass', 'pass', 'fail', 'inconclusive']);
    expect(decision).toMatchObject({ verdict: 'inconclusive', standing: 'pass', action: 'none' });
    expect(decision!.reason).toMatch(/no action on missing data/);
  });

  it('decides inconclusive with no data at all', () => {
    const obs = { ...observation(3, () => 10), usage: {} };
    const [decision] = decideExperiment(input(obs));
    expect(decision).toMatchObject({ action: 'none', verdict: 'inconclusive' });
  });

  it('reports an error when Prometheus rejects a query, and inconclusive when it is unreachable', () => {
    const failed = decideExperiment(input({ ...observation(3, () => 10), failures: [{ kind: 'failed', message: 'bad_data' }] }));
    expect(failed[0]).toMatchObject({ verdict: 'error', action: 'none' });
    const down = decideExperiment(input({ ...observation(3, () => 10), failures: [{ kind: 'unavailable', message: 'connection refused' }] }));
    expect(down[0]).toMatchObject({ verdict: 'inconclusive', action: 'none' });
  });

  it('does not promote below minSavingsPercent', () => {
    const obs = observation(3, () => 10);
    const patched = { ...obs, usage: { ...obs.usage, 'drop-pod': usage(950, 3) } };
    const [decision] = decideExperiment(input(patched));
    expect(decision).toMatchObject({ action: 'none', standing: 'pass' });
    expect(decision!.reason).toMatch(/below the minimum of 10%/);
  });

  it('measures a paused experiment but never acts on it', () => {
    const [decision] = decideExperiment(
      input(
        observation(3, () => 10.5),
        { lifecycle: { phase: 'paused', since: '2020-01-01T00:00:00Z' } },
      ),
    );
    expect(decision).toMatchObject({ action: 'none', verdict: 'fail' });
    expect(decision!.reason).toMatch(/^paused: .*would rollback/);
  });

  it('waits for earlier environments to promote and bake', () => {
    const earlierEnv = { ...environment, name: 'dev', promotionOrder: 0, bakeTimeMinutes: 60 };
    const prod = { ...environment, name: 'prod', promotionOrder: 2 };
    const recent = new Date((NOW - 600) * 1000).toISOString();
    const baking = decideExperiment(
      input(
        observation(3, () => 10),
        { environment: prod, earlier: [{ environment: earlierEnv, lifecycle: { phase: 'promoted', variant: 'drop-pod', since: recent } }] },
      ),
    );
    expect(baking[0]).toMatchObject({ action: 'none' });
    expect(baking[0]!.reason).toMatch(/dev's bake time of 60 min/);
    const baked = decideExperiment(
      input(
        observation(3, () => 10),
        { environment: prod, earlier: [{ environment: earlierEnv, lifecycle: { phase: 'promoted', variant: 'drop-pod', since: '2020-01-01T00:00:00Z' } }] },
      ),
    );
    expect(baked[0]).toMatchObject({ action: 'promote' });
  });

  it('does not propose a rolled-back variant again unless its spec changed', () => {
    const same = decideExperiment(
      input(
        observation(3, () => 10),
        { lifecycle: { phase: 'running', since: '2020-01-01T00:00:00Z', priorRollbacks: [{ variant: 'drop-pod', specHash: 'c1' }] } },
      ),
    );
    expect(same[0]!.action).toBe('none');
    expect(same[0]!.reason).toMatch(/rolled back before/);
    const changed = decideExperiment(
      input(
        observation(3, () => 10),
        { lifecycle: { phase: 'running', since: '2020-01-01T00:00:00Z', priorRollbacks: [{ variant: 'drop-pod', specHash: 'old' }] } },
      ),
    );
    expect(changed[0]!.action).toBe('promote');
  });

  it('does not measure before Flux applied the revision and the warm-up passed', () => {
    const notApplied = decideExperiment(
      input(
        observation(3, () => 10),
        { deployment: { source: 'kubernetes', current: false, reason: 'the Kustomization is not Ready' } },
      ),
    );
    expect(notApplied[0]).toMatchObject({ action: 'none', verdict: 'inconclusive' });
    expect(notApplied[0]!.reason).toMatch(/not Ready/);
    const fresh = new Date((NOW - 120) * 1000).toISOString();
    const warming = decideExperiment(
      input(
        observation(3, () => 10),
        { deployment: { source: 'kubernetes', current: true, readySince: fresh } },
      ),
    );
    expect(warming[0]!.reason).toMatch(/warming up/);
  });
});

describe('collector health (ADR 0127)', () => {
  const withUsage = (candidate: Partial<VariantUsage>, baseline: Partial<VariantUsage> = {}): Observation => {
    const obs = observation(3, () => 10);
    return { ...obs, usage: { baseline: usage(1000, 3, baseline), 'drop-pod': usage(400, 3, candidate) } };
  };
  const health = (obs: Observation) =>
    decideExperiment(input(obs))[0]!
      .windows.at(-1)!
      .checks.filter((c) => c.kind === 'health');

  it('compares shared-receiver refused points only when both variants have them', () => {
    const none = [null, null, null];
    const checks = health(withUsage({ refusedPoints: none, memoryBytes: none }, { refusedPoints: none, memoryBytes: none }));
    expect(checks.map((c) => c.id)).toEqual(['otelcol_exporter_enqueue_failed_metric_points', 'otelcol_exporter_send_failed_metric_points']);
    expect(checks.every((c) => c.verdict === 'pass')).toBe(true);
  });

  it('is inconclusive when a variant has no exporter counters, and fails when its exporter loses more points', () => {
    const missing = health(withUsage({ sendFailedPoints: [null, null, null] }));
    expect(missing.find((c) => c.id === 'otelcol_exporter_send_failed_metric_points')).toMatchObject({
      verdict: 'inconclusive',
      detail: expect.stringMatching(/self-telemetry pipeline/),
    });
    const failing = health(withUsage({ droppedPoints: [500, 500, 500] }));
    expect(failing.find((c) => c.id === 'otelcol_exporter_enqueue_failed_metric_points')).toMatchObject({ verdict: 'fail', baseline: 0, candidate: 500 });
  });
});
