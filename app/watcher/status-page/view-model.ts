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
  readonly pullRequest?: { readonly url: string; readonly state: 'open' | 'merged' | 'closed'; readonly title: string };
  /** Cost per window per variant, for the chart. */
  readonly costHistory: readonly CostPoint[];
  readonly guardrails: readonly GuardrailView[];
  readonly health: readonly HealthView[];
  readonly decisions: readonly DecisionView[];
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
}

/** A variant's cost in one window. */
export interface CostPoint {
  /** Window end, epoch milliseconds. */
  readonly time: number;
  readonly variant: string;
  readonly activeSeries: number;
}

/** A guardrail query's latest values per variant. */
export interface GuardrailView {
  readonly name: string;
  readonly query: string;
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
  /** Link to the decision record in the config repo. @default - none */
  readonly recordUrl?: string;
}
