import type { Decision } from '../../../analysis/decide/types';
import { GitCommandError, redactMessage } from '../../../clients/git/run-git';
import { InstallationTokenError } from '../../../clients/github/installation-token';
import { GitHubRefusedError, GitHubUnavailableError } from '../../../clients/github/github-failure';
import { proposalFromDecision } from './proposal';
import { closeStaleProposal, proposeChange, type ProposeContext, type ProposeOutcome } from './propose';

/** Minimal logger (pino-compatible). */
interface ActuationLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/** What acting on one cycle's decisions needs. */
export interface ActuateOptions {
  /** Builds the proposal context for an environment (auto-merge is per environment). */
  readonly contextFor: (environment: string) => ProposeContext;
  /** Whether this replica holds the Lease; only the holder acts. @default - always */
  readonly isLeader?: () => Promise<boolean>;
  readonly log: ActuationLog;
}

/** What acting did for one decision. */
export interface ActuationResult {
  readonly experiment: string;
  readonly environment: string;
  readonly variant: string;
  readonly action: 'promote' | 'rollback' | 'close-stale-promote' | 'close-stale-rollback';
  readonly outcome?: ProposeOutcome;
  readonly closedPull?: number;
  /** Set when this proposal failed; the next cycle tries again. */
  readonly error?: string;
}

/**
 * Acts on a cycle's decisions through pull requests: `promote` and `rollback` open or update their
 * proposal; a standing verdict that reversed closes the opposite proposal if one is open. Paused
 * experiments and inconclusive verdicts never act. A proposal that fails is reported and retried
 * next cycle; it does not stop the others. Nothing happens unless this replica leads.
 */
export async function actuateDecisions(decisions: readonly Decision[], options: ActuateOptions): Promise<ActuationResult[]> {
  if (options.isLeader && !(await options.isLeader())) {
    options.log.info({ decisions: decisions.length }, 'not the Lease holder: decisions are not acted on by this replica');
    return [];
  }
  const results: ActuationResult[] = [];
  // Set when the credentials or the remote failed: the other proposals would fail the same way, so
  // they are not tried (no storm of identical requests); each reports the same line; next cycle retries.
  let setupFailure: string | undefined;
  for (const decision of decisions) {
    if (decision.phase !== 'running') continue;
    const base = { experiment: decision.experiment, environment: decision.environment, variant: decision.variant };
    const proposal = proposalFromDecision(decision);
    if (setupFailure) {
      if (proposal) results.push({ ...base, action: proposal.action as 'promote' | 'rollback', error: setupFailure });
      continue;
    }
    const context = options.contextFor(decision.environment);
    try {
      if (proposal) {
        const outcome = await proposeChange(proposal, context);
        options.log.info({ ...base, action: proposal.action, status: outcome.status, pull: outcome.url, detail: outcome.detail }, 'proposal');
        results.push({ ...base, action: proposal.action as 'promote' | 'rollback', outcome });
        continue;
      }
      const stale = decision.standing === 'pass' ? 'rollback' : decision.standing === 'fail' || decision.standing === 'error' ? 'promote' : undefined;
      if (!stale) continue;
      const closedPull = await closeStaleProposal(
        { experiment: decision.experiment, environment: decision.environment, action: stale },
        `the standing verdict for '${decision.variant}' is now ${decision.standing} (${decision.reason})`,
        context,
      );
      if (closedPull !== undefined) {
        options.log.info({ ...base, closedPull, stale }, 'closed a stale proposal');
        results.push({ ...base, action: stale === 'promote' ? 'close-stale-promote' : 'close-stale-rollback', closedPull });
      }
    } catch (error) {
      // Reaches the API, the status page and the log: never a credential.
      const message = redactMessage(String((error as Error)?.message ?? error));
      if (isSetupFailure(error)) setupFailure = message;
      options.log.warn(
        { ...base, err: { message } },
        setupFailure ? 'proposal failed; no other proposal is tried this cycle; will try again next cycle' : 'proposal failed; will try again next cycle',
      );
      results.push({ ...base, action: proposal?.action === 'rollback' ? 'rollback' : 'promote', error: message });
    }
  }
  return results;
}

/**
 * Failures every other proposal of the cycle would repeat: credentials, rights, an App not installed,
 * a protection rule on Phoenix's branches, an unreachable remote, GitHub not answering the look-up
 * that comes before any push (a failure after this proposal's push concerns it alone).
 */
export function isSetupFailure(error: unknown): boolean {
  if (error instanceof GitHubUnavailableError) return !error.afterPush;
  if (error instanceof InstallationTokenError || error instanceof GitHubRefusedError) return true;
  if (error instanceof GitCommandError) return error.kind !== 'rejected' && error.kind !== 'failed';
  return false;
}
