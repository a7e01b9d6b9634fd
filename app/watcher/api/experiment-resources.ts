import type { Decision } from '../../../analysis/decide/types';
import { proposalBranch, type ProposalAction } from '../actuation/proposal';
import type { CycleReport } from '../cycle';
import type { DecisionView, ExperimentView, FrozenSavingView, PullRequestView, StatusView, VariantView } from '../status-page/view-model';

/** A pull request of the config repo as the API shows it. */
export interface ApiPullRequest extends PullRequestView {
  /** The proposal branch, when known. @default - none */
  readonly branch?: string;
}

/** One experiment in one environment (schema `ExperimentEnvironment`). */
export interface ApiExperimentEnvironment {
  readonly environment: string;
  readonly phase: string;
  readonly verdict: string;
  /** @default - none */
  readonly reason?: string;
  readonly variants: readonly VariantView[];
  readonly savings: {
    /** The candidate saving the most money per month in the newest window. @default - none */
    readonly best?: { readonly variant: string; readonly monthlySaving: string; readonly currency: string; readonly seriesSavingPercent?: number };
    /** Frozen at promotion. @default - none */
    readonly frozen?: FrozenSavingView;
  };
  /** Open pull requests proposing the next step for it. */
  readonly pullRequests: readonly ApiPullRequest[];
  /** The latest cycle's decisions, one per candidate, with their evidence and windows. */
  readonly decisions: readonly Decision[];
  /** Why the latest cycle's decision could not be proposed, one line saying what to do. @default - none */
  readonly proposalError?: string;
}

/** One experiment across the watched environments (schema `Experiment`). */
export interface ApiExperiment {
  readonly name: string;
  readonly environments: readonly ApiExperimentEnvironment[];
}

/** A past decision (schema `DecisionHistoryEntry`). */
export interface ApiDecisionEntry extends DecisionView {
  readonly environment: string;
}

/** The summary of the latest cycle (schema `Cycle`). */
export type ApiCycle = Omit<CycleReport, 'decisions'>;

/** Builds the API's experiments from the status view and the latest decisions; sorted by name (code-unit order). */
export function buildExperiments(
  view: StatusView,
  decisions: readonly Decision[],
  pullRequests: ReadonlyMap<string, PullRequestView> = new Map(),
): ApiExperiment[] {
  const byName = new Map<string, ApiExperimentEnvironment[]>();
  for (const environment of view.environments) {
    for (const experiment of environment.experiments) {
      const list = byName.get(experiment.name) ?? byName.set(experiment.name, []).get(experiment.name)!;
      const own = decisions.filter((d) => d.experiment === experiment.name && d.environment === experiment.environment);
      list.push(environmentOf(experiment, own, openPullRequests(experiment, pullRequests)));
    }
  }
  return [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, environments]) => ({ name, environments }));
}

/** The decision history of one experiment, newest first, from the status view (records in git and the latest cycle). */
export function decisionHistory(view: StatusView, name: string): ApiDecisionEntry[] {
  const entries: ApiDecisionEntry[] = [];
  for (const environment of view.environments) {
    for (const experiment of environment.experiments.filter((e) => e.name === name)) {
      for (const decision of experiment.decisions) entries.push({ ...decision, environment: experiment.environment });
    }
  }
  return entries.sort((a, b) => (historyKey(a) < historyKey(b) ? 1 : historyKey(a) > historyKey(b) ? -1 : 0));
}

/** The unique sort key of a history entry (time first). */
export function historyKey(entry: ApiDecisionEntry): string {
  return [entry.time, entry.environment, entry.recordPath ?? '', entry.action, entry.variant ?? ''].join('\u0000');
}

/** Every action whose proposal branch may carry an open pull request. */
export const PROPOSAL_ACTIONS: readonly ProposalAction[] = ['promote', 'rollback', 'start', 'pause', 'resume', 'abort'];

function openPullRequests(view: ExperimentView, known: ReadonlyMap<string, PullRequestView>): ApiPullRequest[] {
  const open: ApiPullRequest[] = [];
  for (const action of PROPOSAL_ACTIONS) {
    const branch = proposalBranch({ experiment: view.name, environment: view.environment, action });
    const pull = known.get(branch);
    if (pull?.state === 'open') open.push({ ...pull, branch });
  }
  if (open.length === 0 && view.pullRequest?.state === 'open') open.push(view.pullRequest);
  return open;
}

function environmentOf(view: ExperimentView, decisions: readonly Decision[], pullRequests: ApiPullRequest[]): ApiExperimentEnvironment {
  const candidates = view.variants.filter((v) => v.monthlySaving !== undefined);
  const best = candidates.reduce<VariantView | undefined>((top, v) => (!top || Number(v.monthlySaving) > Number(top.monthlySaving) ? v : top), undefined);
  return {
    environment: view.environment,
    phase: view.phase,
    verdict: view.verdict,
    ...(view.reason ? { reason: view.reason } : {}),
    variants: view.variants,
    savings: {
      ...(best
        ? {
            best: {
              variant: best.name,
              monthlySaving: best.monthlySaving!,
              currency: best.currency,
              ...(best.seriesSavingPercent !== undefined ? { seriesSavingPercent: best.seriesSavingPercent } : {}),
            },
          }
        : {}),
      ...(view.frozenSaving ? { frozen: view.frozenSaving } : {}),
    },
    pullRequests,
    decisions,
    ...(view.proposal?.error ? { proposalError: view.proposal.error } : {}),
  };
}
