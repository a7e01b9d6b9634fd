import type { Decision } from '../../../analysis/decide/types';

/** What a pull request proposes for one experiment in one environment. */
export type ProposalAction = 'promote' | 'rollback' | 'start' | 'pause' | 'resume' | 'abort';

/** What a person may propose (the CLI's `phoenix experiment …` and the API's action routes). */
export type PersonAction = 'start' | 'pause' | 'resume' | 'abort';

/**
 * A change Phoenix proposes through a pull request: from the watcher (a `Decision` whose action is
 * promote or rollback) or from a person (`phoenix experiment start|pause|resume|abort`, or the API).
 */
export interface Proposal {
  readonly experiment: string;
  readonly environment: string;
  readonly action: ProposalAction;
  /** The candidate promoted or rolled back. @default - none (pause, resume, abort) */
  readonly variant?: string;
  /** One sentence: why. */
  readonly reason: string;
  /** ISO-8601 time of the decision. */
  readonly decidedAt: string;
  /** Who decided: `phoenix-watcher` or a person's name. */
  readonly decidedBy: string;
  /** The watcher's decision with its evidence, when the watcher decided. @default - none */
  readonly decision?: Decision;
}

/**
 * The branch of a proposal: one per (experiment, environment, action), so a restarted watcher
 * finds and updates the pull request it opened before instead of opening a second one.
 */
export function proposalBranch(proposal: Pick<Proposal, 'experiment' | 'environment' | 'action'>): string {
  return `phoenix/${proposal.action}/${proposal.experiment}/${proposal.environment}`;
}

/** Turns a watcher decision into a proposal; undefined when the decision asks for no action. */
export function proposalFromDecision(decision: Decision): Proposal | undefined {
  if (decision.action === 'none') return undefined;
  return {
    experiment: decision.experiment,
    environment: decision.environment,
    action: decision.action,
    variant: decision.variant,
    reason: decision.reason,
    decidedAt: decision.decidedAt,
    decidedBy: 'phoenix-watcher',
    decision,
  };
}
