import type { Span } from './ast';
import { compileMatcherRegex } from './strings';
import type { QueryUsage, SelectorUsage, UsageStep } from './usage';

/** The collector's aggregation functions (`aggregate_on_attributes`, metricstransform `aggregation_type`). */
export type AggregationFunction = 'sum' | 'mean' | 'min' | 'max' | 'median' | 'count';

/** How merged series combine: an aggregation function, or `collide` (attributes removed without
 * aggregating: the merged series' points collide and the backend keeps one of them). */
export type MergeFunction = AggregationFunction | 'collide';

/**
 * A change a candidate pipeline makes to one Prometheus metric (names as the queries see them;
 * translate OTel names with analysis/naming first).
 * - `drop-metric`: the metric disappears;
 * - `drop-labels`: labels deleted without merging series (each was implied by a kept label);
 * - `aggregate`: series that differ only in the removed labels are merged with `function`.
 *   Give `remove` (the labels removed) or `keep` (every other label is removed; with
 *   `labelsOnMetric` from a snapshot, the removed set is known exactly).
 */
export type SeriesChange =
  | { readonly kind: 'drop-metric'; readonly metric: string }
  | { readonly kind: 'drop-labels'; readonly metric: string; readonly labels: readonly string[] }
  | {
      readonly kind: 'aggregate';
      readonly metric: string;
      readonly function: MergeFunction;
      readonly remove?: readonly string[];
      readonly keep?: readonly string[];
      /** The metric's label names, from a series snapshot. @default - unknown */
      readonly labelsOnMetric?: readonly string[];
    };

/** Why a query's answer changes. */
export interface ChangeReason {
  readonly metric: string;
  readonly label?: string;
  readonly function?: string;
  readonly reason: string;
  /** The selector in the query text. */
  readonly span: Span;
}

/** The verdict of {@link assessQuery}. */
export type QueryVerdict =
  | { readonly verdict: 'unchanged'; readonly caveats: readonly string[] }
  | { readonly verdict: 'changed'; readonly reasons: readonly ChangeReason[] }
  | { readonly verdict: 'unknown'; readonly reasons: readonly string[] };

/** Labels the collector's attribute processors cannot remove: the translation makes them. */
const TRANSLATION_LABELS = new Set(['__name__', 'le', 'quantile', 'job', 'instance']);

const SUM_LINEAR_FUNCTIONS = new Set([
  'rate',
  'increase',
  'irate',
  'delta',
  'idelta',
  'deriv',
  'predict_linear',
  'sum_over_time',
  'avg_over_time',
  'last_over_time',
  'sort',
  'sort_desc',
]);
const COUNTER_FUNCTIONS = new Set(['rate', 'increase', 'irate']);
const MONOTONE_FUNCTIONS = new Set([
  'ceil',
  'floor',
  'round',
  'clamp',
  'clamp_min',
  'clamp_max',
  'sqrt',
  'exp',
  'ln',
  'log2',
  'log10',
  'last_over_time',
  'sort',
  'sort_desc',
]);
const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);

export const COUNTER_RESET_CAVEAT =
  'rate/increase of a sum equals the sum of the rates only while no merged counter resets; ' +
  "aggregate after cumulativetodelta and convert back with deltatocumulative, so a reset costs only the restarted counter's first value after the restart";

/**
 * The caveat of a merge between `cumulativetodelta` and `deltatocumulative` (measured with the
 * pinned collector; ADR 0124): the answer is the same except in windows holding a restart.
 */
export const DELTA_RESET_CAVEAT =
  "merged as deltas: for a scraped source, rate()/increase() over a window holding a counter reset miss each restarted counter's increase " +
  'up to its first scrape after the restart (cumulativetodelta emits no delta at a reset); a restarted histogram is not ' +
  'counted at all until every bucket and its count are back above their values before the restart; with start times (OTLP) ' +
  'a whole-process restart costs nothing (see docs/experiments.md)';

/**
 * Does `change` keep this query's answer? Pure and conservative: `unchanged` only when the
 * algebra guarantees it (sum of sums under `sum by`, max of maxes under `max by`, labels that
 * neither a matcher nor a grouping reads, …), `changed` with the metric, label, function and
 * reason when it does not, `unknown` when the query's shape is beyond these rules.
 */
export function assessQuery(usage: QueryUsage, change: SeriesChange): QueryVerdict {
  const reasons: ChangeReason[] = [];
  const unknown: string[] = [];
  const caveats = new Set<string>();
  for (const sel of usage.selectors) {
    const match = selectorMatches(sel, change.metric);
    if (match === 'no') continue;
    if (match === 'maybe') {
      unknown.push(`the selector at ${sel.span.from}–${sel.span.to} may select ${change.metric} (no metric name)`);
      continue;
    }
    const outcome = assessSelector(sel, change);
    if (outcome.changed) reasons.push({ ...outcome.changed, metric: change.metric, span: sel.span });
    if (outcome.unknown) unknown.push(outcome.unknown);
    for (const c of outcome.caveats ?? []) caveats.add(c);
  }
  if (reasons.length > 0) return { verdict: 'changed', reasons };
  if (unknown.length > 0) return { verdict: 'unknown', reasons: unknown };
  return { verdict: 'unchanged', caveats: [...caveats] };
}

type Outcome = { changed?: Omit<ChangeReason, 'metric' | 'span'>; unknown?: string; caveats?: string[] };

function selectorMatches(sel: SelectorUsage, metric: string): 'yes' | 'no' | 'maybe' {
  if (sel.metric !== undefined) return sel.metric === metric ? 'yes' : 'no';
  const nameMatchers = sel.matchers.filter((m) => m.name === '__name__');
  if (nameMatchers.length === 0) return 'maybe';
  for (const m of nameMatchers) {
    const re = m.op === '=~' || m.op === '!~' ? compileMatcherRegex(m.value).regex : undefined;
    const hit = m.op === '=' ? metric === m.value : m.op === '!=' ? metric !== m.value : re ? re.test(metric) === (m.op === '=~') : true;
    if (!hit) return 'no';
  }
  return 'yes';
}

function removedLabels(sel: SelectorUsage, change: Extract<SeriesChange, { kind: 'aggregate' }>): { labels: string[]; exact: boolean } {
  if (change.remove) return { labels: [...change.remove], exact: true };
  const keep = new Set([...(change.keep ?? []), ...TRANSLATION_LABELS]);
  if (change.labelsOnMetric) return { labels: change.labelsOnMetric.filter((l) => !keep.has(l)), exact: true };
  const read = sel.labels.kind === 'only' ? sel.labels.labels : sel.matcherLabels;
  return { labels: read.filter((l) => !keep.has(l)), exact: false };
}

function readsLabel(sel: SelectorUsage, label: string): string | undefined {
  if (sel.matcherLabels.includes(label)) return `a matcher reads ${label}`;
  switch (sel.labels.kind) {
    case 'all':
      return `the query returns the series with every label (${describeSteps(sel.steps)})`;
    case 'only':
      return sel.labels.labels.includes(label) ? `the query groups or matches on ${label}` : undefined;
    case 'all-but':
      return sel.labels.labels.includes(label) ? undefined : `the query keeps ${label} (without (${sel.labels.labels.join(', ')}))`;
  }
}

function assessSelector(sel: SelectorUsage, change: SeriesChange): Outcome {
  if (change.kind === 'drop-metric') {
    return { changed: { reason: `the metric is dropped, so the selector returns nothing${sel.functions.includes('absent') ? ' and absent() fires' : ''}` } };
  }
  if (change.kind === 'drop-labels') {
    for (const label of change.labels) {
      const why = readsLabel(sel, label);
      if (why) return { changed: { label, reason: `the label is deleted but ${why}` } };
    }
    return {};
  }
  const removed = removedLabels(sel, change);
  if (!removed.exact && sel.labels.kind === 'all') {
    return {
      changed: {
        function: change.function,
        reason: `labels not kept are merged with ${change.function} but the query returns the series with every label (${describeSteps(sel.steps)})`,
      },
    };
  }
  if (!removed.exact && sel.labels.kind === 'all-but') {
    return {
      unknown: `labels not kept are merged with ${change.function}; the query keeps every label but (${sel.labels.labels.join(', ')}), and the metric's labels are unknown (give labelsOnMetric)`,
    };
  }
  // With a keep-list and no snapshot, labels nobody reads may still be merged away.
  if (removed.exact && removed.labels.length === 0) return {};
  for (const label of removed.labels) {
    const why = readsLabel(sel, label);
    if (why) return { changed: { label, function: change.function, reason: `series are merged over ${label} with ${change.function} but ${why}` } };
  }
  return composeWithReduction(sel, change.function);
}

/** The merged series are combined again by the query's reducing step: is F then A the same as A? */
function composeWithReduction(sel: SelectorUsage, fn: MergeFunction): Outcome {
  const reducing = sel.steps[sel.reducingStep];
  const before = sel.steps.slice(0, sel.reducingStep);
  if (!reducing) return { unknown: 'no reducing step found' };
  if (reducing.kind === 'binary' || (reducing.kind === 'function' && reducing.name.startsWith('absent'))) {
    if (before.some(isFilter)) return { unknown: `a comparison filters the series before ${describeStep(reducing)}; merging may change which pass` };
    return {};
  }
  if (reducing.kind !== 'aggregation') return { unknown: `unexpected reducing step ${describeStep(reducing)}` };
  const op = reducing.op;
  if (op === 'group') {
    return before.some(isFilter) ? { unknown: 'a comparison filters the series before group(); merging may change which pass' } : {};
  }
  const changed = (reason: string): Outcome => ({ changed: { function: fn, reason } });
  if (fn === 'collide') return changed(`series that differ only in the removed labels collide (one point is kept) under ${describeStep(reducing)}`);
  if (op === 'sum') {
    if (fn !== 'sum') return changed(`series merged with ${fn} under ${describeStep(reducing)} no longer add up to the same sum`);
    for (const step of before) {
      if (!sumLinear(step)) return changed(`${describeStep(step)} is not linear, so summing before it changes the result of ${describeStep(reducing)}`);
    }
    return before.some((s) => s.kind === 'function' && COUNTER_FUNCTIONS.has(s.name)) ? { caveats: [COUNTER_RESET_CAVEAT] } : {};
  }
  if (op === 'max' || op === 'min') {
    if (fn !== op) return changed(`series merged with ${fn} under ${describeStep(reducing)}: only ${op} of ${op}s keeps the answer`);
    for (const step of before) {
      if (!monotone(step, op)) return changed(`${describeStep(step)} does not preserve order, so taking the ${op} before it changes ${describeStep(reducing)}`);
    }
    return {};
  }
  // count by (Y) (count by (X) (…)): the outer count sees only which X groups exist, and a group
  // exists after a merge exactly when it did before (the merge keeps X, nothing filters before it);
  // arithmetic and set operators between them pass the groups on without looking at their values
  if (ONE_SERIES_PER_GROUP.has(op) && !before.some(isFilter) && countsGroupsOnly(sel.steps.slice(sel.reducingStep + 1))) return {};
  return changed(`${describeStep(reducing)} depends on how many series there are and their individual values; merging with ${fn} changes it`);
}

/** Whether the steps after a per-group aggregation only pass its groups on, into a `count` or `group`. */
function countsGroupsOnly(after: readonly UsageStep[]): boolean {
  for (const step of after) {
    if (step.kind === 'aggregation') return step.op === 'count' || step.op === 'group';
    if (step.kind !== 'binary' || (COMPARISONS.has(step.op) && !step.returnBool)) return false;
  }
  return false;
}

/** Aggregations that answer one series per group, whatever the group holds. */
const ONE_SERIES_PER_GROUP: ReadonlySet<string> = new Set(['count', 'avg', 'stddev', 'stdvar', 'quantile']);

function isFilter(step: UsageStep): boolean {
  return step.kind === 'binary' && COMPARISONS.has(step.op) && !step.returnBool;
}

function sumLinear(step: UsageStep): boolean {
  switch (step.kind) {
    case 'function':
      return SUM_LINEAR_FUNCTIONS.has(step.name);
    case 'unary':
    case 'subquery':
      return true;
    case 'binary':
      if (step.other === 'scalar') return step.op === '*' || (step.op === '/' && step.side === 'lhs');
      return (step.op === '*' || (step.op === '/' && step.side === 'lhs')) && step.matching?.on === true;
    default:
      return false;
  }
}

function monotone(step: UsageStep, op: 'max' | 'min'): boolean {
  switch (step.kind) {
    case 'function':
      return MONOTONE_FUNCTIONS.has(step.name) || step.name === `${op}_over_time`;
    case 'subquery':
      return true;
    case 'unary':
      return step.op === '+';
    case 'binary':
      return step.other === 'scalar' && (step.op === '+' || (step.op === '-' && step.side === 'lhs'));
    default:
      return false;
  }
}

function describeStep(step: UsageStep): string {
  switch (step.kind) {
    case 'function':
      return `${step.name}()`;
    case 'aggregation':
      return step.grouping ? `${step.op} ${step.grouping.without ? 'without' : 'by'} (${step.grouping.labels.join(', ')})` : `${step.op}()`;
    case 'binary':
      return `the ${step.op} operator${step.matching ? ` ${step.matching.on ? 'on' : 'ignoring'} (${step.matching.labels.join(', ')})` : ''}`;
    case 'unary':
      return `unary ${step.op}`;
    case 'subquery':
      return `a [${step.range}:] subquery`;
    case 'parameter':
      return `the parameter of ${step.of}`;
  }
}

function describeSteps(steps: readonly UsageStep[]): string {
  return steps.length === 0 ? 'a raw selector' : `used through ${steps.map(describeStep).join(' → ')}`;
}
