/**
 * Plain data the watcher's decision functions read and write. Everything here is
 * JSON-serialisable (no Dates, no Maps, no class instances, no NaN: missing numbers are `null`),
 * so a decision can be written to a decision record, served by the API and compared in tests.
 */

/** The verdict of a check, a window or an experiment. Severity: pass < inconclusive < fail < error. */
export type Verdict = 'pass' | 'fail' | 'inconclusive' | 'error';

/** What the watcher proposes for one candidate in one environment. */
export type DecisionAction = 'promote' | 'rollback' | 'none';

/** Lifecycle phase as read from the experiment's state file. */
export type WatchedPhase = 'pending' | 'running' | 'paused' | 'promoted' | 'rolled-back';

/** How a guardrail's baseline and candidate answers are compared. */
export type GuardrailComparison = 'auto' | 'relative' | 'count';

/** One guardrail query, as written for production; the watcher injects the variant matchers. */
export interface GuardrailInput {
  /** Stable id, shown in evidence (e.g. `p99-latency` or `rules.yaml:12`). */
  readonly id: string;
  /** The PromQL as it runs in production. */
  readonly query: string;
  /** A hard guardrail's failures lead to a rollback; a soft one only blocks promotion. @default true */
  readonly hard?: boolean;
  /** Largest relative difference of window means still "the same answer". @default 0.02 */
  readonly relativeTolerance?: number;
  /** Values whose magnitude is at most this are treated as zero. @default 1e-9 */
  readonly noiseFloor?: number;
  /** Statistic; `auto` uses `count` for zero-heavy series and `relative` otherwise. @default 'auto' */
  readonly comparison?: GuardrailComparison;
}

/** Promotion and rollback settings of one experiment. */
export interface PromotionInput {
  /** Window length in minutes; windows are aligned to multiples of it since the epoch. */
  readonly windowMinutes: number;
  /** Consecutive passing windows (with enough saving) before a promotion; also the hysteresis. */
  readonly consecutivePasses: number;
  /** Consecutive hard-guardrail failures before a rollback. */
  readonly failureLimit: number;
  /** Least saving, in percent of the baseline's monthly cost, worth a promotion. */
  readonly minSavingsPercent: number;
  /** Windows of evidence the watcher keeps and decides on. @default max(consecutivePasses, failureLimit) + 2 */
  readonly windows?: number;
  /** Bake time per environment name, overriding the environment's own. @default - each environment's bakeTimeMinutes */
  readonly bakeTimeMinutes?: Readonly<Record<string, number>>;
  /** Fewest points a series needs in a window, as a fraction of window / scrape interval. @default 0.5 */
  readonly minPointsFraction?: number;
  /** How much more memory a candidate may use than the baseline copy, relative. @default 0.1 */
  readonly memoryTolerance?: number;
}

/** One variant (the baseline copy or a candidate) of an experiment. */
export interface VariantInput {
  readonly name: string;
  /** Hash of the variant's rendered pipeline; a rolled-back variant may run again only when it changes. */
  readonly specHash: string;
}

/** The experiment, as far as deciding needs it. */
export interface ExperimentInput {
  readonly name: string;
  /** Name of the baseline copy among `variants`. @default 'baseline' */
  readonly baseline?: string;
  readonly variants: readonly VariantInput[];
  readonly guardrails: readonly GuardrailInput[];
  readonly promotion: PromotionInput;
}

/** A price list (decimal strings, exact money); any unit left out costs nothing. */
export interface PriceModelInput {
  readonly currency: string;
  readonly perThousandSeriesMonth?: string;
  readonly perThousandSamplesPerMinuteMonth?: string;
  readonly perGigabyte?: string;
}

/** The environment, as far as deciding needs it. */
export interface EnvironmentInput {
  readonly name: string;
  readonly promotionOrder: number;
  readonly bakeTimeMinutes: number;
  readonly scrapeIntervalSeconds: number;
  readonly priceModel: PriceModelInput;
  /** Estimated bytes per ingested sample (labelled as an estimate in evidence). @default 2 */
  readonly bytesPerSample?: number;
}

/** A variant that was rolled back before, with the spec it had then (unknown when no record says). */
export interface PriorRollback {
  readonly variant: string;
  readonly specHash?: string;
}

/** The experiment's lifecycle in one environment, from its state file. */
export interface LifecycleInput {
  readonly phase: WatchedPhase;
  readonly variant?: string;
  /** ISO-8601 time the phase was entered. */
  readonly since?: string;
  readonly priorRollbacks?: readonly PriorRollback[];
}

/** What Flux reports about the experiment's Kustomization in one environment. */
export interface DeploymentInput {
  /** Where the status came from: `kubernetes` or `commit-status`. */
  readonly source: string;
  /** The Kustomization is Ready and applied a revision that contains the experiment's last change. */
  readonly current: boolean;
  /** Revision Flux last applied, e.g. `main@sha1:0a1b…`. */
  readonly revision?: string;
  /** ISO-8601 time the Kustomization became Ready at that revision. */
  readonly readySince?: string;
  /** Why it is not current (not found, not ready, an older revision, the API was unreachable…). */
  readonly reason?: string;
}

/** One measurement window, `[start, end)` in unix seconds. */
export interface WindowSpan {
  readonly start: number;
  readonly end: number;
}

/** A number per window (same order as the windows); `null` where nothing was measured. */
export type WindowValues = ReadonlyArray<number | null>;

/** Usage and collector health of one variant, per window. */
export interface VariantUsage {
  readonly activeSeries: WindowValues;
  readonly samplesPerSecond: WindowValues;
  /** Seconds between the window's end and the newest sample before it. */
  readonly lagSeconds: WindowValues;
  readonly droppedPoints: WindowValues;
  readonly sendFailedPoints: WindowValues;
  readonly refusedPoints: WindowValues;
  readonly memoryBytes: WindowValues;
}

/** One series of a guardrail's answer: labels (variant labels removed) and `[unix seconds, value]` points. */
export interface AnswerSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** A guardrail's answer for one variant: the resolved query and its series, or why there is none. */
export interface GuardrailAnswer {
  readonly query: string;
  readonly series?: readonly AnswerSeries[];
  /** `unavailable` (Prometheus could not be reached: inconclusive) or `failed` (it rejected the query: error). */
  readonly failure?: { readonly kind: 'unavailable' | 'failed'; readonly message: string };
}

/** Everything measured for one experiment in one environment during one cycle. */
export interface Observation {
  readonly windows: readonly WindowSpan[];
  /** Usage per variant name; a variant without any data is absent. */
  readonly usage: Readonly<Record<string, VariantUsage>>;
  /** Guardrail answers: guardrail id → variant name → answer. */
  readonly guardrails: Readonly<Record<string, Readonly<Record<string, GuardrailAnswer>>>>;
  /** The shared (cost and health) queries this observation was cut from, resolved. */
  readonly queries: readonly string[];
  /** Failures of the shared queries, if any (then usage is missing and windows are inconclusive). */
  readonly failures: ReadonlyArray<{ readonly kind: 'unavailable' | 'failed'; readonly message: string }>;
}

/** One check within a window: what was compared, the values, the threshold and the outcome. */
export interface CheckResult {
  readonly kind: 'usage' | 'guardrail' | 'health';
  /** Guardrail id, health signal name or `data`. */
  readonly id: string;
  readonly hard: boolean;
  readonly verdict: Verdict;
  /** The statistic applied, e.g. `relative difference of window means`. */
  readonly statistic: string;
  readonly baseline: number | null;
  readonly candidate: number | null;
  /** The measured difference in the statistic's own unit. */
  readonly difference: number | null;
  /** The largest difference still passing. */
  readonly threshold: number | null;
  readonly detail: string;
}

/** Cost of one variant in one window. */
export interface VariantCost {
  readonly activeSeries: number;
  readonly samplesPerSecond: number;
  /** An estimate: samples × bytesPerSample. */
  readonly estimatedBytesPerMonth: number;
  /** Money per month, decimal string in the price model's currency. */
  readonly monthlyCost: string;
}

/** One window's outcome for one candidate against the baseline copy. */
export interface WindowResult extends WindowSpan {
  readonly verdict: Verdict;
  readonly checks: readonly CheckResult[];
  readonly baselineCost: VariantCost | null;
  readonly candidateCost: VariantCost | null;
  /** Saving in percent of the baseline (money, or series when nothing is priced); `null` when unmeasured. */
  readonly savingPercent: number | null;
  /** Whether the saving meets the experiment's minimum. */
  readonly savingSufficient: boolean;
  /** A hard guardrail or collector health failed in this window. */
  readonly hardFailure: boolean;
}

/** The evidence every decision carries. */
export interface Evidence {
  /** Resolved queries: the shared cost/health queries and each guardrail as injected per variant. */
  readonly queries: readonly string[];
  readonly thresholds: {
    readonly consecutivePasses: number;
    readonly failureLimit: number;
    readonly minSavingsPercent: number;
    readonly windowMinutes: number;
    readonly warmUpMinutes: number;
    readonly bakeTimeMinutes: number;
    readonly bytesPerSampleEstimate: number;
    readonly currency: string;
  };
  readonly deployment: DeploymentInput;
  /** Start of measurement: ready time plus warm-up (ISO-8601), when known. */
  readonly measurementStart: string | null;
  readonly failures: readonly string[];
}

/**
 * What the watcher decided for one candidate of one experiment in one environment, with its
 * evidence. The actuation turns `promote` and `rollback` into pull requests.
 */
export interface Decision {
  readonly experiment: string;
  readonly environment: string;
  readonly variant: string;
  readonly specHash: string;
  readonly phase: WatchedPhase;
  readonly action: DecisionAction;
  /** Verdict of the newest window (worst check wins); `inconclusive` when nothing was measured. */
  readonly verdict: Verdict;
  /** The verdict after hysteresis: it changes only after N opposite decisive windows. */
  readonly standing: Verdict;
  /** One sentence: why this action (or none). */
  readonly reason: string;
  /** Mean saving over the windows that justify the action, when measured. */
  readonly savingPercent: number | null;
  readonly evidence: Evidence;
  /** Windows oldest first. */
  readonly windows: readonly WindowResult[];
  /** ISO-8601 time of the cycle that decided. */
  readonly decidedAt: string;
}
