import { DEFAULT_BYTES_PER_SAMPLE, savingPercent, variantCost } from './cost';
import { checkGuardrail } from './guardrail-check';
import { compareCountsNoWorse } from './statistics';
import type { CheckResult, EnvironmentInput, ExperimentInput, Observation, VariantCost, VariantUsage, WindowResult } from './types';
import { checkResult, worstVerdict } from './verdict';

/** Defaults of the window evaluation. */
export const WINDOW_DEFAULTS = { minPointsFraction: 0.5, memoryTolerance: 0.1 } as const;

/** Health counters: the exporter's are required per variant; the shared receivers' only compared when labelled per variant (ADR 0127). */
const HEALTH_COUNTERS = [
  ['droppedPoints', 'otelcol_exporter_enqueue_failed_metric_points', true],
  ['sendFailedPoints', 'otelcol_exporter_send_failed_metric_points', true],
  ['refusedPoints', 'otelcol_receiver_refused_metric_points', false],
] as const;

/** Everything {@link evaluateWindow} needs. */
export interface WindowContext {
  readonly experiment: ExperimentInput;
  readonly environment: EnvironmentInput;
  readonly observation: Observation;
  readonly baseline: string;
  readonly candidate: string;
}

/**
 * Judges one window for one candidate against the baseline copy: data present and fresh for both,
 * collector health no worse, every guardrail the same answer; the worst check wins. Also prices
 * both variants and says whether the saving meets the experiment's minimum.
 */
export function evaluateWindow(context: WindowContext, index: number): WindowResult {
  const { experiment, environment, observation, baseline, candidate } = context;
  const window = observation.windows[index]!;
  const scrape = environment.scrapeIntervalSeconds;
  const minPointsFraction = experiment.promotion.minPointsFraction ?? WINDOW_DEFAULTS.minPointsFraction;
  const checks: CheckResult[] = [];

  const data = checkData(observation, baseline, candidate, index, window.end - window.start, scrape, minPointsFraction);
  checks.push(data);
  if (data.verdict === 'pass')
    checks.push(
      ...checkHealth(
        observation.usage[baseline]!,
        observation.usage[candidate]!,
        index,
        experiment.promotion.memoryTolerance ?? WINDOW_DEFAULTS.memoryTolerance,
      ),
    );
  for (const guardrail of experiment.guardrails) {
    const answers = observation.guardrails[guardrail.id] ?? {};
    checks.push(checkGuardrail(guardrail, answers[baseline], answers[candidate], window, scrape, minPointsFraction));
  }

  let baselineCost: VariantCost | null = null;
  let candidateCost: VariantCost | null = null;
  let saving: number | null = null;
  if (data.verdict === 'pass') {
    const bytesPerSample = environment.bytesPerSample ?? DEFAULT_BYTES_PER_SAMPLE;
    const bu = observation.usage[baseline]!;
    const cu = observation.usage[candidate]!;
    baselineCost = variantCost(bu.activeSeries[index]!, bu.samplesPerSecond[index]!, environment.priceModel, bytesPerSample);
    candidateCost = variantCost(cu.activeSeries[index]!, cu.samplesPerSecond[index]!, environment.priceModel, bytesPerSample);
    saving = savingPercent(baselineCost, candidateCost);
  }
  const verdict = worstVerdict(checks.map((c) => c.verdict));
  return {
    start: window.start,
    end: window.end,
    verdict,
    checks,
    baselineCost,
    candidateCost,
    savingPercent: saving,
    savingSufficient: saving !== null && saving >= experiment.promotion.minSavingsPercent,
    hardFailure: checks.some((c) => c.hard && c.verdict === 'fail'),
  };
}

/** Both variants have usage data in the window, fresh (newest sample within two scrape intervals of its end) and dense enough. */
function checkData(
  observation: Observation,
  baseline: string,
  candidate: string,
  index: number,
  windowSeconds: number,
  scrape: number,
  minPointsFraction: number,
): CheckResult {
  const make = (verdict: CheckResult['verdict'], baseline: number | null, candidate: number | null, detail: string) =>
    checkResult('usage', 'data', false, verdict, 'presence, freshness and density', { baseline, candidate }, detail);
  const bu = observation.usage[baseline];
  const cu = observation.usage[candidate];
  const failed = observation.failures.find((f) => f.kind === 'failed');
  if (failed) return make('error', null, null, `a cost query failed: ${failed.message}`);
  const unavailable = observation.failures[0];
  if (unavailable) return make('inconclusive', null, null, `no data: ${unavailable.message}`);
  for (const [side, usage] of [
    ['baseline', bu],
    ['candidate', cu],
  ] as const) {
    const series = usage?.activeSeries[index] ?? null;
    const samples = usage?.samplesPerSecond[index] ?? null;
    if (!usage || series === null || samples === null || series === 0) {
      return make('inconclusive', bu?.activeSeries[index] ?? null, cu?.activeSeries[index] ?? null, `no shadow series of the ${side} in this window`);
    }
    const lag = usage.lagSeconds[index] ?? null;
    if (lag === null || lag > 2 * scrape) {
      return make(
        'inconclusive',
        null,
        null,
        `the ${side}'s data is stale: newest sample ${lag === null ? 'unknown' : `${Math.round(lag)} s`} before the window's end (limit ${2 * scrape} s)`,
      );
    }
    const expectedSamples = (series * windowSeconds) / scrape;
    if (samples * windowSeconds < minPointsFraction * expectedSamples) {
      return make(
        'inconclusive',
        null,
        null,
        `the ${side} has too few points: ${Math.round(samples * windowSeconds)} samples, expected about ${Math.round(expectedSamples)}`,
      );
    }
  }
  return make('pass', bu!.activeSeries[index]!, cu!.activeSeries[index]!, 'both variants reported fresh data');
}

/** Collector health: each counter no worse than the baseline copy's (Poisson-tolerant); memory within a relative margin. */
function checkHealth(bu: VariantUsage, cu: VariantUsage, index: number, memoryTolerance: number): CheckResult[] {
  const results: CheckResult[] = [];
  for (const [signal, metric, required] of HEALTH_COUNTERS) {
    const b = bu[signal][index] ?? null;
    const c = cu[signal][index] ?? null;
    const statistic = 'increase, no worse than baseline with Poisson tolerance';
    if (!required && b === null && c === null) continue;
    if (b === null || c === null) {
      const detail = `${metric} is missing for the ${b === null ? 'baseline' : 'candidate'}: the shadow's self-telemetry pipeline must bring the exporter counters, labelled per variant, to this store`;
      results.push(checkResult('health', metric, true, 'inconclusive', statistic, { baseline: b, candidate: c }, detail));
      continue;
    }
    const comparison = compareCountsNoWorse(b, c, 0);
    const detail = comparison.same ? 'no worse than the baseline copy' : 'the candidate loses more points than the baseline copy';
    results.push(
      checkResult(
        'health',
        metric,
        true,
        comparison.same ? 'pass' : 'fail',
        statistic,
        { baseline: b, candidate: c, difference: comparison.difference, threshold: comparison.threshold },
        detail,
      ),
    );
  }
  const bm = bu.memoryBytes[index] ?? null;
  const cm = cu.memoryBytes[index] ?? null;
  if (bm !== null && cm !== null && bm > 0) {
    const difference = (cm - bm) / bm;
    const ok = difference <= memoryTolerance;
    const detail = ok ? 'memory within the margin' : 'the candidate needs more memory than the baseline copy';
    results.push(
      checkResult(
        'health',
        'otelcol_process_memory_rss',
        false,
        ok ? 'pass' : 'fail',
        'relative increase of the window maximum',
        { baseline: bm, candidate: cm, difference, threshold: memoryTolerance },
        detail,
      ),
    );
  }
  return results;
}
