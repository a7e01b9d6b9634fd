import Decimal from 'decimal.js';
import type { EnvironmentLifecycle, FrozenSaving } from '../../../constructs/experiment/definition';
import type { Decision } from '../../../analysis/decide/types';
import type { Proposal } from './proposal';

/** Repo-relative path of the decision record a proposal adds beside the experiment's state file. */
export function decisionRecordPath(proposal: Proposal, experimentsDir = 'experiments'): string {
  const stamp = proposal.decidedAt.replace(/[-:]/g, '').replace(/\.\d+/, '').replace(/Z$/, 'Z');
  return `${experimentsDir}/decisions/${proposal.experiment}/${proposal.environment}-${stamp}-${proposal.action}.json`;
}

/** The lifecycle an environment enters when the proposal merges. */
export function nextLifecycle(current: EnvironmentLifecycle, proposal: Proposal, recordPath: string): EnvironmentLifecycle {
  const base = { reason: proposal.reason, decisionRecord: recordPath, since: proposal.decidedAt };
  switch (proposal.action) {
    case 'promote': {
      const frozenSaving = proposal.decision ? freezeSaving(proposal.decision) : undefined;
      return { phase: 'promoted', variant: proposal.variant, ...base, ...(frozenSaving ? { frozenSaving } : {}) };
    }
    case 'rollback':
      return { phase: 'rolled-back', variant: proposal.variant, ...base };
    case 'start':
      if (current.phase !== 'pending') throw new Error(`cannot start: the experiment is ${current.phase}, not pending, in ${proposal.environment}`);
      return { phase: 'running', ...base };
    case 'pause':
      if (current.phase !== 'running') throw new Error(`cannot pause: the experiment is ${current.phase}, not running, in ${proposal.environment}`);
      return { phase: 'paused', ...base };
    case 'resume':
      if (current.phase !== 'paused') throw new Error(`cannot resume: the experiment is ${current.phase}, not paused, in ${proposal.environment}`);
      return { phase: 'running', ...base };
    case 'abort':
      if (current.phase === 'promoted' || current.phase === 'rolled-back') {
        throw new Error(`cannot abort: the experiment already ended (${current.phase}) in ${proposal.environment}`);
      }
      return { phase: 'rolled-back', ...base };
  }
}

/**
 * The saving a promotion freezes: the mean over the decisive windows of the baseline's and the
 * candidate's measured cost, so later reports use what was measured, not a new estimate.
 */
export function freezeSaving(decision: Decision): FrozenSaving | undefined {
  const windows = decision.windows.filter((w) => w.baselineCost && w.candidateCost);
  if (windows.length === 0) return undefined;
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const money = (values: string[]) => values.reduce((a, b) => a.plus(b), new Decimal(0)).dividedBy(values.length);
  const before = money(windows.map((w) => w.baselineCost!.monthlyCost));
  const after = money(windows.map((w) => w.candidateCost!.monthlyCost));
  return {
    seriesBefore: Math.round(mean(windows.map((w) => w.baselineCost!.activeSeries))),
    seriesAfter: Math.round(mean(windows.map((w) => w.candidateCost!.activeSeries))),
    samplesPerMinuteBefore: Math.round(mean(windows.map((w) => w.baselineCost!.samplesPerSecond * 60))),
    samplesPerMinuteAfter: Math.round(mean(windows.map((w) => w.candidateCost!.samplesPerSecond * 60))),
    monthlySaving: before.minus(after).toFixed(2),
    currency: decision.evidence.thresholds.currency,
  };
}

/** The decision record's content: the proposal with its full evidence, as stable, readable JSON. */
export function renderDecisionRecord(proposal: Proposal): string {
  return `${JSON.stringify({ kind: 'PhoenixDecisionRecord', version: 1, ...proposal }, null, 2)}\n`;
}
