import { DEFAULT_BYTES_PER_SAMPLE, savingPercent, variantCost } from './cost';
import { checkGuardrail } from './guardrail-check';
import { compareCountsNoWorse } from './statistics';
import type { CheckResult, EnvironmentInput, ExperimentInput, Observation, VariantCost, VariantUsage, WindowResult } from './types';
import { worstVerdict } from './verdict';

/** Defaults of the window evaluation. */
export const WINDOW_DEFAULTS = { minPointsFraction: 0.5, memoryTolerance: 0.1 } as const;

const HEALTH_COUNTERS = [
  ['droppedPoints', 'otelcol_processor_dropped_metric_points'],
  ['sendFailedPoints', 'otelcol_exporter_send_failed_metric_points'],
  ['refusedPoints', 'otelcol_receiver_refused_metric_points'],
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
  if (data.verdict === 'pass') checks.push(...checkHealth(observation.usage[baseline]!, observation.usage[candidate]!, index, experiment.promotion.memoryTolerance ?? WINDOW_DEFAULTS.memoryTolerance));
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
    ...window,
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
function checkData(observation: Observation, baseline: string, candidate: string, index: number, windowSeconds: number, scrape: number, minPointsFraction: number): CheckResult {
  const base = { kind: 'usage' as const, id: 'data', hard: false, statistic: 'presence, freshness and density', difference: null, threshold: null };
  const bu = observation.usage[baseline];
  const cu = observation.usage[candidate];
  const failed = observation.failures.find((f) => f.kind === 'failed');
  if (failed) return { ...base, verdict: 'error', baseline: null, candidate: null, detail: `a cost query failed: ${failed.message}` };
  const unavailable = observation.failures[0];
  if (unavailable) return { ...base, verdict: 'inconclusive', baseline: null, candidate: null, detail: `no data: ${unavailable.message}` };
  for (const [side, usage] of [['baseline', bu], ['candidate', cu]] as const) {
    const series = usage?.activeSeries[index] ?? null;
    const samples = usage?.samplesPerSecond[index] ?? null;
    if (!usage || series === null || samples === null || series === 0) {
      return { ...base, verdict: 'inconclusive', baseline: bu?.activeSeries[index] ?? null, candidate: cu?.activeSeries[index] ?? null, detail: `no shadow series of the ${side} in this window` };
    }
    const lag = usage.lagSeconds[index] ?? null;
    if (lag === null || lag > 2 * scrape) {
      return { ...base, verdict: 'inconclusive', baseline: null, candidate: null, detail: `the ${side}'s data is stale: newest sample ${lag === null ? 'unknown' : `${Math.round(lag)} s`} before the window's end (limit ${2 * scrape} s)` };
    }
    const expectedSamples = (series * windowSeconds) / scrape;
    if (samples * windowSeconds < minPointsFraction * expectedSamples) {
      return { ...base, verdict: 'inconclusive', baseline: null, candidate: null, detail: `the ${side} has too few points: ${Math.round(samples * windowSeconds)} samples, expected about ${Math.round(expectedSamples)}` };
    }
  }
  return { ...base, verdict: 'pass', baseline: bu!.activeSeries[index]!, candidate: cu!.activeSeries[index]!, detail: 'both variants reported fresh data' };
}

/** Collector health: each counter no worse than the baseline copy's (Poisson-tolerant); memory within a relative margin. */
function checkHealth(bu: VariantUsage, cu: VariantUsage, index: number, memoryTolerance: number): CheckResult[] {
  const results: CheckResult[] = [];
  for (const [signal, metric] of HEALTH_COUNTERS) {
    const b = bu[signal][index] ?? null;
    const c = cu[signal][index] ?? null;
    const base = { kind: 'health' as const, id: metric, hard: true, statistic: 'increase, no worse than baseline with Poisson tolerance', baseline: b, candidate: c };
    if (b === null || c === null) {
      results.push({ ...base, verdict: 'inconclusive', difference: null, threshold: null, detail: `${metric} is missing for the ${b === null ? 'baseline' : 'candidate'}: the collectors' self-metrics must carry the variant labels` });
      continue;
    }
    const comparison = compareCountsNoWorse(b, c, 0);
    results.push({ ...base, verdict: comparison.same ? 'pass' : 'fail', difference: comparison.difference, threshold: comparison.threshold, detail: comparison.same ? 'no worse than the baseline copy' : 'the candidate loses more points than the baseline copy' });
  }
  const bm = bu.memoryBytes[index] ?? null;
  const cm = cu.memoryBytes[index] ?? null;
  if (bm !== null && cm !== null && bm > 0) {
    const difference = (cm - bm) / bm;
    results.push({
      kind: 'health',
      id: 'otelcol_process_memory_rss',
      hard: false,
      statistic: 'relative increase of the window maximum',
      baseline: bm,
      candidate: cm,
      difference,
      threshold: memoryTolerance,
      verdict: difference <= memoryTolerance ? 'pass' : 'fail',
      detail: difference <= memoryTolerance ? 'memory within the margin' : 'the candidate needs more memory than the baseline copy',
    });
  }
  return results;
}
