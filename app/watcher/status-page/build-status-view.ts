import Decimal from 'decimal.js';
import type { CheckResult, Decision, Verdict, WindowResult } from '../../../analysis/decide/types';
import type { EnvironmentLifecycle } from '../../../constructs/experiment/definition';
import { proposalBranch } from '../actuation/proposal';
import type {
  CostPoint,
  DecisionView,
  EnvironmentView,
  ExperimentView,
  GuardrailView,
  HealthView,
  MoneyTotal,
  PullRequestView,
  StatusView,
  VariantView,
} from './view-model';

/** A decision record found in the config repo (`experiments/decisions/<exp>/<env>-<stamp>-<action>.json`). */
export interface DecisionRecordRef {
  readonly experiment: string;
  readonly environment: string;
  /** Repo-relative path. */
  readonly path: string;
  readonly action: string;
  /** ISO-8601 time of the decision. */
  readonly decidedAt: string;
  /** @default - none */
  readonly variant?: string;
  /** The verdict the record carries. @default 'recorded' */
  readonly verdict?: string;
}

/** Everything the status page is built from; plain data, so the builder stays pure. */
export interface StatusInputs {
  /** When the view is built (ISO-8601). */
  readonly generatedAt: string;
  /** The latest cycle's decisions: one per candidate, experiment and environment. */
  readonly decisions: readonly Decision[];
  /** Earlier windows per candidate, keyed by {@link historyKey}; merged with the decisions' own windows. @default - the decisions' windows only */
  readonly windowHistory?: ReadonlyMap<string, readonly WindowResult[]>;
  /** Lifecycles from the state files: experiment name → environment name → lifecycle. @default - the decisions' phases */
  readonly states?: Readonly<Record<string, Readonly<Record<string, EnvironmentLifecycle>>>>;
  /** Environment names in promotion order; others follow alphabetically. @default - alphabetical */
  readonly environmentOrder?: readonly string[];
  /** Pull requests known by branch name (see `proposalBranch`). @default - none known */
  readonly pullRequests?: ReadonlyMap<string, PullRequestView>;
  /**
   * Whether the watcher pushes proposal branches (propose mode, not a dry run): only then is a
   * proposal branch linked; otherwise it is named as what would be proposed.
   * @default false
   */
  readonly proposalsPushed?: boolean;
  /** Decision records in the config repo. @default - none */
  readonly decisionRecords?: readonly DecisionRecordRef[];
  /** Web address of the config repo (e.g. `https://github.com/OWNER/metrics-config`), for record and branch links. @default - no links */
  readonly repoWebUrl?: string;
  /** Branch the decision records live on. @default 'main' */
  readonly repoBranch?: string;
  /** Guardrail queries as written for production: experiment → environment → guardrail id → PromQL. @default - the checks' details */
  readonly guardrailQueries?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, string>>>>>>;
  /** Problems of the latest cycle. @default - none */
  readonly problems?: readonly string[];
  /** Why a decision's proposal failed (one line), keyed by {@link historyKey}. @default - none */
  readonly proposalErrors?: ReadonlyMap<string, string>;
  /** When the latest cycle finished. @default - none */
  readonly lastCycleAt?: string;
}

const SEVERITY: Record<string, number> = { pass: 0, inconclusive: 1, fail: 2, error: 3 };
/** Name shown for the baseline copy (decisions name only their candidate). */
const BASELINE = 'baseline';

/** Key of a candidate's window history. */
export function historyKey(experiment: string, environment: string, variant: string): string {
  return `${experiment}\u0000${environment}\u0000${variant}`;
}

/**
 * Builds what the status page shows from the watcher's latest decisions (and their window history),
 * the experiments' state files, the decision records and known pull requests. Money is summed with
 * decimal.js in each currency; nothing is converted.
 */
export function buildStatusView(inputs: StatusInputs): StatusView {
  const groups = new Map<string, Decision[]>();
  const add = (experiment: string, environment: string) => {
    const key = `${environment}\u0000${experiment}`;
    return groups.get(key) ?? groups.set(key, []).get(key)!;
  };
  for (const decision of inputs.decisions) add(decision.experiment, decision.environment).push(decision);
  for (const [experiment, environments] of Object.entries(inputs.states ?? {})) {
    for (const environment of Object.keys(environments)) add(experiment, environment);
  }

  const byEnvironment = new Map<string, ExperimentView[]>();
  for (const [key, decisions] of groups) {
    const [environment, experiment] = key.split('\u0000') as [string, string];
    const lifecycle = inputs.states?.[experiment]?.[environment];
    const view = experimentView(experiment, environment, decisions, lifecycle, inputs);
    (byEnvironment.get(environment) ?? byEnvironment.set(environment, []).get(environment)!).push(view);
  }
  const order = inputs.environmentOrder ?? [];
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  const environments: EnvironmentView[] = [...byEnvironment.keys()]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((name) => ({ name, experiments: byEnvironment.get(name)!.sort((a, b) => a.name.localeCompare(b.name)) }));
  for (const name of order) if (!byEnvironment.has(name)) environments.splice(rank(name), 0, { name, experiments: [] });

  return {
    generatedAt: inputs.generatedAt,
    environments,
    promotedSavings: promotedSavings(inputs.states ?? {}),
    ...(inputs.problems?.length ? { problems: inputs.problems } : {}),
    ...(inputs.lastCycleAt ? { lastCycleAt: inputs.lastCycleAt } : {}),
  };
}

/** Money saved per month by promoted experiments, per currency, from their frozen savings. */
export function promotedSavings(states: NonNullable<StatusInputs['states']>): MoneyTotal[] {
  const totals = new Map<string, Decimal>();
  for (const environments of Object.values(states)) {
    for (const lifecycle of Object.values(environments)) {
      const frozen = lifecycle.phase === 'promoted' ? lifecycle.frozenSaving : undefined;
      if (!frozen) continue;
      totals.set(frozen.currency, (totals.get(frozen.currency) ?? new Decimal(0)).plus(frozen.monthlySaving));
    }
  }
  return [...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ currency, amount: amount.toFixed(2) }));
}

function experimentView(
  name: string,
  environment: string,
  decisions: readonly Decision[],
  lifecycle: EnvironmentLifecycle | undefined,
  inputs: StatusInputs,
): ExperimentView {
  const worst = decisions.reduce<Decision | undefined>((w, d) => (!w || SEVERITY[d.verdict]! > SEVERITY[w.verdict]! ? d : w), undefined);
  const acting = decisions.find((d) => d.action !== 'none');
  const headline = acting ?? worst;
  const histories = decisions.map((d) => ({ decision: d, windows: mergedWindows(d, inputs.windowHistory?.get(historyKey(name, environment, d.variant))) }));
  const frozen =
    lifecycle?.phase === 'promoted' && lifecycle.frozenSaving
      ? { ...lifecycle.frozenSaving, ...(lifecycle.variant ? { variant: lifecycle.variant } : {}) }
      : undefined;
  const phase = lifecycle?.phase ?? decisions[0]?.phase ?? 'pending';
  // A verdict only where one is made: the watcher measures running and paused experiments only.
  const measured = phase === 'running' || phase === 'paused';
  return {
    name,
    environment,
    phase,
    verdict: measured ? (worst?.verdict ?? 'none') : 'none',
    ...(headline ? { reason: headline.reason } : lifecycle?.reason ? { reason: lifecycle.reason } : {}),
    variants: variantViews(
      histories.map((h) => ({ variant: h.decision.variant, windows: h.windows })),
      decisions[0]?.evidence.thresholds.currency ?? '',
    ),
    ...pullRequestOf(name, environment, decisions, inputs),
    ...(frozen ? { frozenSaving: frozen } : {}),
    costHistory: costHistory(histories.map((h) => ({ variant: h.decision.variant, windows: h.windows }))),
    guardrails: guardrailViews(decisions, inputs.guardrailQueries?.[name]?.[environment] ?? {}),
    health: healthViews(decisions),
    decisions: decisionHistory(name, environment, decisions, inputs),
  };
}

/** A candidate's windows: history first, the decision's own windows replacing any with the same start. */
function mergedWindows(decision: Decision, history: readonly WindowResult[] | undefined): WindowResult[] {
  const byStart = new Map<number, WindowResult>();
  for (const w of history ?? []) byStart.set(w.start, w);
  for (const w of decision.windows) byStart.set(w.start, w);
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

function variantViews(candidates: ReadonlyArray<{ variant: string; windows: readonly WindowResult[] }>, currency: string): VariantView[] {
  const out: VariantView[] = [];
  const baselineWindow = candidates
    .flatMap((c) => c.windows)
    .filter((w) => w.baselineCost)
    .sort((a, b) => b.end - a.end)[0];
  const baseline = baselineWindow?.baselineCost ?? null;
  if (baseline) {
    out.push({
      name: BASELINE,
      activeSeries: baseline.activeSeries,
      samplesPerMinute: perMinute(baseline.samplesPerSecond),
      monthlyCost: baseline.monthlyCost,
      currency,
    });
  }
  for (const candidate of candidates) {
    const newest = [...candidate.windows].reverse().find((w) => w.candidateCost);
    const cost = newest?.candidateCost;
    if (!cost) continue;
    const base = newest.baselineCost;
    out.push({
      name: candidate.variant,
      activeSeries: cost.activeSeries,
      samplesPerMinute: perMinute(cost.samplesPerSecond),
      monthlyCost: cost.monthlyCost,
      currency,
      ...(base && base.activeSeries > 0 ? { seriesSavingPercent: (1 - cost.activeSeries / base.activeSeries) * 100 } : {}),
      ...(base ? { monthlySaving: new Decimal(base.monthlyCost).minus(cost.monthlyCost).toFixed(2) } : {}),
    });
  }
  return out;
}

/** Samples per minute, rounded to hundredths (the page shows no more). */
function perMinute(samplesPerSecond: number): number {
  return Math.round(samplesPerSecond * 6000) / 100;
}

function costHistory(candidates: ReadonlyArray<{ variant: string; windows: readonly WindowResult[] }>): CostPoint[] {
  const points: CostPoint[] = [];
  const baselineByEnd = new Map<number, CostPoint>();
  for (const candidate of candidates) {
    for (const w of candidate.windows) {
      if (w.baselineCost)
        baselineByEnd.set(w.end, { time: w.end * 1000, variant: BASELINE, activeSeries: w.baselineCost.activeSeries, monthlyCost: w.baselineCost.monthlyCost });
      if (w.candidateCost)
        points.push({ time: w.end * 1000, variant: candidate.variant, activeSeries: w.candidateCost.activeSeries, monthlyCost: w.candidateCost.monthlyCost });
    }
  }
  return [...[...baselineByEnd.values()].sort((a, b) => a.time - b.time), ...points];
}

/** The newest window that carries checks of `kind`, per decision. */
function latestChecks(decision: Decision, kind: CheckResult['kind']): CheckResult[] {
  for (let i = decision.windows.length - 1; i >= 0; i -= 1) {
    const checks = decision.windows[i]!.checks.filter((c) => c.kind === kind);
    if (checks.length > 0) return checks;
  }
  return [];
}

/** Rows of checks: one per id, with the baseline value and each candidate's value; worst verdict wins. */
function checkRows(
  decisions: readonly Decision[],
  kind: CheckResult['kind'],
): Array<{ id: string; detail: string; verdict: Verdict; values: Array<{ variant: string; value?: number }> }> {
  const rows = new Map<string, { id: string; detail: string; verdict: Verdict; values: Array<{ variant: string; value?: number }> }>();
  for (const decision of decisions) {
    for (const check of latestChecks(decision, kind)) {
      let row = rows.get(check.id);
      if (!row) {
        row = { id: check.id, detail: check.detail, verdict: check.verdict, values: [{ variant: BASELINE, ...numberOf(check.baseline) }] };
        rows.set(check.id, row);
      }
      if (SEVERITY[check.verdict]! > SEVERITY[row.verdict]!) row.verdict = check.verdict;
      row.values.push({ variant: decision.variant, ...numberOf(check.candidate) });
    }
  }
  return [...rows.values()];
}

function numberOf(value: number | null): { value?: number } {
  return value === null || !Number.isFinite(value) ? {} : { value };
}

function guardrailViews(decisions: readonly Decision[], queries: Readonly<Record<string, string>>): GuardrailView[] {
  return checkRows(decisions, 'guardrail').map((row) => ({
    name: row.id,
    query: queries[row.id] ?? '',
    detail: row.detail,
    verdict: row.verdict,
    values: row.values,
  }));
}

function healthViews(decisions: readonly Decision[]): HealthView[] {
  return checkRows(decisions, 'health').map((row) => ({ signal: row.id, values: row.values, verdict: row.verdict }));
}

function pullRequestOf(
  experiment: string,
  environment: string,
  decisions: readonly Decision[],
  inputs: StatusInputs,
): Pick<ExperimentView, 'pullRequest' | 'proposal'> {
  const actions = [...new Set([...decisions.map((d) => d.action).filter((a) => a !== 'none'), 'promote', 'rollback'])] as Array<'promote' | 'rollback'>;
  for (const action of actions) {
    const known = inputs.pullRequests?.get(proposalBranch({ experiment, environment, action }));
    if (known) return { pullRequest: known };
  }
  const acting = decisions.find((d) => d.action !== 'none');
  if (!acting) return {};
  const branch = proposalBranch({ experiment, environment, action: acting.action as 'promote' | 'rollback' });
  const error = inputs.proposalErrors?.get(historyKey(experiment, environment, acting.variant));
  // Link a branch only where one is pushed; in observe mode (or a dry run) it does not exist, nor when pushing failed.
  if (error) return { proposal: { branch, pushed: false, error } };
  if (!inputs.proposalsPushed) return { proposal: { branch, pushed: false } };
  return {
    proposal: {
      branch,
      pushed: true,
      ...(inputs.repoWebUrl ? { url: `${inputs.repoWebUrl}/tree/${branch.split('/').map(encodeURIComponent).join('/')}` } : {}),
    },
  };
}

function decisionHistory(experiment: string, environment: string, decisions: readonly Decision[], inputs: StatusInputs): DecisionView[] {
  const branch = inputs.repoBranch ?? 'main';
  const recorded: DecisionView[] = (inputs.decisionRecords ?? [])
    .filter((r) => r.experiment === experiment && r.environment === environment)
    .map((r) => ({
      time: r.decidedAt,
      action: r.action,
      verdict: r.verdict ?? 'recorded',
      ...(r.variant ? { variant: r.variant } : {}),
      recordPath: r.path,
      ...(inputs.repoWebUrl
        ? { recordUrl: `${inputs.repoWebUrl}/blob/${encodeURIComponent(branch)}/${r.path.split('/').map(encodeURIComponent).join('/')}` }
        : {}),
    }));
  const latest: DecisionView[] = decisions.map((d) => {
    const error = d.action === 'none' ? undefined : inputs.proposalErrors?.get(historyKey(experiment, environment, d.variant));
    return { time: d.decidedAt, action: d.action, verdict: d.verdict, variant: d.variant, ...(error ? { proposalError: error } : {}) };
  });
  return [...latest, ...recorded].sort((a, b) => b.time.localeCompare(a.time));
}
