/**
 * What the status page shows, as plain data. The watcher builds it from its latest cycle, the
 * state files and the decision records; the page renders it without touching I/O.
 */
export interface StatusView {
  /** When the data was produced (ISO-8601). */
  readonly generatedAt: string;
  readonly environments: readonly EnvironmentView[];
  /** Money saved per month by promoted experiments, from the frozen figures of their decision records. */
  readonly promotedSavings: readonly MoneyTotal[];
  /** Problems of the latest cycle (Prometheus or Flux unreachable), one line each. @default - none */
  readonly problems?: readonly string[];
  /** When the latest cycle finished (ISO-8601); undefined before the first. @default - none */
  readonly lastCycleAt?: string;
}

/** A decimal amount of money in one currency. */
export interface MoneyTotal {
  /** Decimal string, e.g. "1240.50". */
  readonly amount: string;
  readonly currency: string;
}

/** One environment's experiments, in promotion order. */
export interface EnvironmentView {
  readonly name: string;
  readonly experiments: readonly ExperimentView[];
}

/** One experiment in one environment. */
export interface ExperimentView {
  readonly name: string;
  readonly environment: string;
  /** Lifecycle phase from the state file. */
  readonly phase: string;
  /** Latest verdict: pass | fail | inconclusive | error, or "none" before the first window. */
  readonly verdict: string;
  /** One sentence on why (the verdict's headline). @default - none */
  readonly reason?: string;
  readonly variants: readonly VariantView[];
  /** Open or merged pull request proposing the next step. @default - none */
  readonly pullRequest?: PullRequestView;
  /**
   * The proposal of the acting decision when no pull request is known; `pushed` false: observe mode,
   * a dry run, or proposing failed (`error`, one line saying what to do) — the branch does not exist.
   * @default - none
   */
  readonly proposal?: { readonly branch: string; readonly pushed: boolean; readonly url?: string; readonly error?: string };
  /** The saving frozen at promotion (promoted experiments). @default - none */
  readonly frozenSaving?: FrozenSavingView;
  /** Cost per window per variant, for the chart. */
  readonly costHistory: readonly CostPoint[];
  readonly guardrails: readonly GuardrailView[];
  readonly health: readonly HealthView[];
  readonly decisions: readonly DecisionView[];
}

/** A pull request of the config repo. */
export interface PullRequestView {
  readonly url: string;
  readonly state: 'open' | 'merged' | 'closed';
  readonly title: string;
}

/** The measured saving frozen in the state file when a candidate was promoted. */
export interface FrozenSavingView {
  readonly variant?: string;
  readonly seriesBefore: number;
  readonly seriesAfter: number;
  /** Decimal string. */
  readonly monthlySaving: string;
  readonly currency: string;
}

/** A variant's latest measured cost. */
export interface VariantView {
  readonly name: string;
  readonly activeSeries: number;
  readonly samplesPerMinute: number;
  /** Decimal string. */
  readonly monthlyCost: string;
  readonly currency: string;
  /** Saving against the baseline copy, percent of series; undefined for the baseline. */
  readonly seriesSavingPercent?: number;
  /** Money per month saved against the baseline copy, decimal string; undefined for the baseline. @default - none */
  readonly monthlySaving?: string;
}

/** A variant's cost in one window. */
export interface CostPoint {
  /** Window end, epoch milliseconds. */
  readonly time: number;
  readonly variant: string;
  readonly activeSeries: number;
  /** Money per month at this window's usage, decimal string. @default - not priced */
  readonly monthlyCost?: string;
}

/** A guardrail query's latest values per variant. */
export interface GuardrailView {
  readonly name: string;
  /** The PromQL as written for production; empty when unknown. */
  readonly query: string;
  /** How the answers were compared, and the outcome in words. @default - none */
  readonly detail?: string;
  readonly verdict: string;
  /** Value per variant (baseline first); NaN or undefined when absent. */
  readonly values: ReadonlyArray<{ readonly variant: string; readonly value?: number }>;
}

/** A collector-health signal per variant. */
export interface HealthView {
  readonly signal: string;
  readonly values: ReadonlyArray<{ readonly variant: string; readonly value?: number }>;
  readonly verdict: string;
}

/** A past decision with its record in git. */
export interface DecisionView {
  readonly time: string;
  readonly action: string;
  readonly verdict: string;
  /** The candidate concerned. @default - none */
  readonly variant?: string;
  /** Repo-relative path of the decision record; undefined for the latest cycle's unrecorded decision. @default - none */
  readonly recordPath?: string;
  /** Link to the decision record in the config repo. @default - none */
  readonly recordUrl?: string;
  /** Why the latest cycle's decision could not be proposed (one line saying what to do). @default - none */
  readonly proposalError?: string;
}
