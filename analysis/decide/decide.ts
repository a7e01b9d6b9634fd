import { DEFAULT_BYTES_PER_SAMPLE } from './cost';
import { evaluateWindow } from './evaluate-window';
import { streaksOf } from './hysteresis';
import { promotionBlocker, type EarlierEnvironment } from './promotion-order';
import type {
  Decision,
  DecisionAction,
  DeploymentInput,
  EnvironmentInput,
  Evidence,
  ExperimentInput,
  LifecycleInput,
  Observation,
  Verdict,
  WindowResult,
} from './types';
import { measurementStartSeconds, warmUpSeconds } from './windows';

/** Everything needed to decide one experiment in one environment. */
export interface DecideInput {
  readonly experiment: ExperimentInput;
  readonly environment: EnvironmentInput;
  readonly lifecycle: LifecycleInput;
  readonly deployment: DeploymentInput;
  /** What the cycle measured; `null` when nothing could be measured. */
  readonly observation: Observation | null;
  /** Environments earlier in the promotion order, with the experiment's lifecycle there. */
  readonly earlier: readonly EarlierEnvironment[];
  /** The cycle's time, unix seconds. */
  readonly nowSeconds: number;
}

interface Draft {
  variant: string;
  specHash: string;
  action: DecisionAction;
  verdict: Verdict;
  standing: Verdict;
  reason: string;
  savingPercent: number | null;
  windows: readonly WindowResult[];
}

/**
 * Decides, for each candidate of an experiment in one environment, whether to promote it, roll
 * it back or do nothing, with the evidence. Pure: the same input gives the same decisions.
 * - Windows count only from the measurement start (Flux Ready at the right revision + warm-up).
 * - Promote after `consecutivePasses` passing windows in a row, each saving at least
 *   `minSavingsPercent`, once earlier environments promoted the same candidate and baked; at
 *   most one candidate per environment (the largest saving).
 * - Roll back after `failureLimit` consecutive windows with a hard failure.
 * - Inconclusive windows never act; paused experiments are measured, never acted on; a variant
 *   rolled back before is not proposed again unless its spec hash changed.
 */
export function decideExperiment(input: DecideInput): Decision[] {
  const { experiment, environment, lifecycle, deployment, observation } = input;
  const baseline = experiment.baseline ?? 'baseline';
  const candidates = experiment.variants.filter((v) => v.name !== baseline);
  const start = measurementStartSeconds(deployment.readySince, lifecycle.since, environment.scrapeIntervalSeconds);
  const evidence = evidenceOf(input, start);
  const decidedAt = new Date(input.nowSeconds * 1000).toISOString();
  const finish = (drafts: Draft[]): Decision[] =>
    drafts.map((d) => ({
      experiment: experiment.name,
      environment: environment.name,
      variant: d.variant,
      specHash: d.specHash,
      phase: lifecycle.phase,
      action: d.action,
      verdict: d.verdict,
      standing: d.standing,
      reason: d.reason,
      savingPercent: d.savingPercent,
      evidence: evidenceFor(evidence, observation, baseline, d.variant),
      windows: d.windows,
      decidedAt,
    }));
  const idle = (reason: string, windows: (variant: string) => readonly WindowResult[] = () => []): Decision[] =>
    finish(
      candidates.map((v) => ({
        variant: v.name,
        specHash: v.specHash,
        action: 'none',
        verdict: 'inconclusive',
        standing: 'inconclusive',
        reason,
        savingPercent: null,
        windows: windows(v.name),
      })),
    );

  if (lifecycle.phase !== 'running' && lifecycle.phase !== 'paused') return idle(`the experiment is ${lifecycle.phase} here: no shadow pipelines to measure`);
  if (!deployment.current) return idle(`not measuring: ${deployment.reason ?? 'Flux has not applied the experiment’s latest revision'}`);
  if (start === null) return idle('not measuring: Flux reported no time the revision became Ready');
  if (!observation) return idle('nothing was measured this cycle');
  const indexes = observation.windows.map((w, i) => (w.start >= start ? i : -1)).filter((i) => i >= 0);
  if (indexes.length === 0) return idle(`warming up: measurement starts at ${new Date(start * 1000).toISOString()}`);

  const { consecutivePasses, failureLimit, minSavingsPercent } = experiment.promotion;
  const drafts: Draft[] = candidates.map((variant) => {
    const windows = indexes.map((i) => evaluateWindow({ experiment, environment, observation, baseline, candidate: variant.name }, i));
    const streaks = streaksOf(windows, consecutivePasses, failureLimit);
    const verdict = windows[windows.length - 1]!.verdict;
    const draft: Draft = {
      variant: variant.name,
      specHash: variant.specHash,
      action: 'none',
      verdict,
      standing: streaks.standing,
      reason: '',
      savingPercent: null,
      windows,
    };
    const trailingSaving = meanSaving(windows, Math.max(streaks.qualifyingPasses, 1));
    draft.savingPercent = trailingSaving;
    const priorRollback = (lifecycle.priorRollbacks ?? []).find(
      (r) => r.variant === variant.name && (r.specHash === undefined || r.specHash === variant.specHash),
    );
    if (streaks.hardFailures >= failureLimit) {
      draft.action = 'rollback';
      draft.reason = `a hard guardrail or collector health failed in ${streaks.hardFailures} consecutive windows (limit ${failureLimit})`;
    } else if (streaks.standing === 'pass' && streaks.qualifyingPasses >= consecutivePasses) {
      draft.action = 'promote';
      draft.reason = `${streaks.qualifyingPasses} consecutive passing windows saving at least ${minSavingsPercent}% (mean ${formatPercent(trailingSaving)})`;
    } else {
      draft.reason = waitingReason(streaks, windows, consecutivePasses, failureLimit, minSavingsPercent);
    }
    if (draft.action === 'promote' && priorRollback) {
      draft.action = 'none';
      draft.reason = `${variant.name} was rolled back before with ${priorRollback.specHash ? 'the same spec' : 'a spec the record does not name'}: change the variant to try it again`;
    }
    return draft;
  });

  const promotions = drafts
    .filter((d) => d.action === 'promote')
    .sort((a, b) => (b.savingPercent ?? 0) - (a.savingPercent ?? 0) || a.variant.localeCompare(b.variant));
  for (const other of promotions.slice(1)) {
    other.action = 'none';
    other.reason = `passes too, but ${promotions[0]!.variant} saves more (${formatPercent(promotions[0]!.savingPercent)} vs ${formatPercent(other.savingPercent)})`;
  }
  const winner = promotions[0];
  if (winner) {
    const blocker = promotionBlocker(winner.variant, input.earlier, input.nowSeconds, experiment.promotion.bakeTimeMinutes);
    if (blocker) {
      winner.action = 'none';
      winner.reason = `ready to promote, but ${blocker}`;
    }
  }
  if (lifecycle.phase === 'paused') {
    for (const draft of drafts) {
      if (draft.action !== 'none') draft.reason = `paused: measured but never acted on (would ${draft.action}: ${draft.reason})`;
      else draft.reason = `paused: measured but never acted on (${draft.reason})`;
      draft.action = 'none';
    }
  }
  return finish(drafts);
}

function waitingReason(
  streaks: ReturnType<typeof streaksOf>,
  windows: readonly WindowResult[],
  passes: number,
  failureLimit: number,
  minSavings: number,
): string {
  const latest = windows[windows.length - 1]!;
  if (latest.verdict === 'inconclusive' || latest.verdict === 'error') {
    const check = latest.checks.find((c) => c.verdict === latest.verdict);
    return `latest window ${latest.verdict}${check ? ` (${check.id}: ${check.detail})` : ''}: no action on missing data`;
  }
  if (streaks.hardFailures > 0) return `hard failure in ${streaks.hardFailures} of ${failureLimit} consecutive windows needed for a rollback`;
  if (streaks.passes > 0 && streaks.qualifyingPasses < streaks.passes && !latest.savingSufficient) {
    return `passing, but the saving (${formatPercent(latest.savingPercent)}) is below the minimum of ${minSavings}%`;
  }
  if (streaks.standing === 'fail') return 'failing a soft guardrail or memory margin: not promoted, not rolled back';
  return `${streaks.qualifyingPasses} of ${passes} consecutive passing windows needed for a promotion`;
}

function meanSaving(windows: readonly WindowResult[], count: number): number | null {
  const values = windows
    .slice(-count)
    .map((w) => w.savingPercent)
    .filter((v): v is number => v !== null);
  if (values.length === 0) return null;
  return Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100;
}

function formatPercent(value: number | null): string {
  return value === null ? 'unmeasured' : `${value.toFixed(1)}%`;
}

function evidenceOf(input: DecideInput, start: number | null): Evidence {
  const { experiment, environment, deployment, observation } = input;
  return {
    queries: observation?.queries ?? [],
    thresholds: {
      consecutivePasses: experiment.promotion.consecutivePasses,
      failureLimit: experiment.promotion.failureLimit,
      minSavingsPercent: experiment.promotion.minSavingsPercent,
      windowMinutes: experiment.promotion.windowMinutes,
      warmUpMinutes: warmUpSeconds(environment.scrapeIntervalSeconds) / 60,
      bakeTimeMinutes: experiment.promotion.bakeTimeMinutes?.[environment.name] ?? environment.bakeTimeMinutes,
      bytesPerSampleEstimate: environment.bytesPerSample ?? DEFAULT_BYTES_PER_SAMPLE,
      currency: environment.priceModel.currency,
    },
    deployment,
    measurementStart: start === null ? null : new Date(start * 1000).toISOString(),
    failures: (observation?.failures ?? []).map((f) => f.message),
  };
}

/** Adds the guardrail queries resolved for the baseline and this candidate, and their failures. */
function evidenceFor(evidence: Evidence, observation: Observation | null, baseline: string, variant: string): Evidence {
  if (!observation) return evidence;
  const queries = [...evidence.queries];
  const failures = [...evidence.failures];
  for (const answers of Object.values(observation.guardrails)) {
    for (const name of [baseline, variant]) {
      const answer = answers[name];
      if (!answer) continue;
      queries.push(answer.query);
      if (answer.failure) failures.push(`${answer.query}: ${answer.failure.message}`);
    }
  }
  return { queries, thresholds: evidence.thresholds, deployment: evidence.deployment, measurementStart: evidence.measurementStart, failures };
}
