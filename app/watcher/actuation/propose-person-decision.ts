import { proposalBranch, type PersonAction, type Proposal } from './proposal';
import { beforePushing } from '../../../clients/github/github-failure';
import { findOpenPullRequest, proposeChange, type ProposeContext, type ProposeOutcome } from './propose';

/** A person's decision about one experiment in one environment. */
export interface PersonDecision {
  readonly experiment: string;
  readonly environment: string;
  readonly action: PersonAction;
  /** Who asked: a person's name, or who the API caller says they are. */
  readonly decidedBy: string;
  /** @default `<action> requested by <decidedBy>` */
  readonly reason?: string;
  /** ISO-8601. @default now, to the second */
  readonly decidedAt?: string;
}

/** What became of a person's decision. */
export type PersonDecisionOutcome =
  /** `existing`: its pull request was already open and is returned unchanged. */
  | (ProposeOutcome & { readonly kind: 'proposed' })
  | { readonly kind: 'existing'; readonly branch: string; readonly pullNumber: number; readonly url: string }
  /** Another proposal for the same experiment and environment is open: merge or close it first. */
  | { readonly kind: 'conflict'; readonly branch: string; readonly action: string; readonly url: string; readonly pullNumber: number };

/** The decision cannot apply to the experiment's current phase (e.g. pausing a promoted experiment). */
export class DecisionRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecisionRefusedError';
  }
}

/** Actions whose open proposal for the same experiment and environment blocks another. */
const BLOCKING: readonly Proposal['action'][] = ['promote', 'rollback', 'start', 'pause', 'resume', 'abort'];

/**
 * Proposes a person's decision as a pull request — the one path of `phoenix experiment …` and of
 * the API's action routes. Its pull request, when already open, is returned as it is (a retry
 * never opens a second one); another open proposal for the same experiment and environment is
 * a conflict; GitHub is asked before anything is pushed, so an unreachable GitHub leaves no branch
 * behind. Otherwise {@link proposeChange} builds the branch and opens the pull request exactly once.
 */
export async function proposePersonDecision(decision: PersonDecision, context: ProposeContext): Promise<PersonDecisionOutcome> {
  const own = proposalBranch(decision);
  const existing = await beforePushing(`branch ${own}`, () => findOpenPullRequest(context, own));
  if (existing) return { kind: 'existing', branch: own, pullNumber: existing.number, url: existing.url };
  for (const action of BLOCKING.filter((a) => a !== decision.action)) {
    const branch = proposalBranch({ ...decision, action });
    const other = await beforePushing(`branch ${own}`, () => findOpenPullRequest(context, branch));
    if (other) return { kind: 'conflict', branch, action, url: other.url, pullNumber: other.number };
  }
  const proposal: Proposal = {
    experiment: decision.experiment,
    environment: decision.environment,
    action: decision.action,
    reason: decision.reason ?? `${decision.action} requested by ${decision.decidedBy}`,
    decidedAt: decision.decidedAt ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    decidedBy: decision.decidedBy,
  };
  try {
    return { kind: 'proposed', ...(await proposeChange(proposal, context)) };
  } catch (error) {
    const message = (error as Error).message;
    if (/^cannot (start|pause|resume|abort)\b/.test(message) || /changes nothing: the state file already says so$/.test(message))
      throw new DecisionRefusedError(message);
    throw error;
  }
}
