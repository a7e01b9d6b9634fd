import type { AggregateOp, BinaryOp, Expr, Grouping, LabelMatcher, Span, VectorMatching } from './ast';

/**
 * Which labels of a selector's series can change a query's answer.
 * - `all`: the series reach the answer with their identity (a raw selector, `rate(x[5m])`,
 *   `topk`), so every label counts;
 * - `only`: the listed labels (matchers, `by`, `on`, label_replace sources, `le`, …);
 * - `all-but`: every label except those listed (`sum without (pod) (…)`).
 */
export type LabelNeed =
  { readonly kind: 'all' } | { readonly kind: 'only'; readonly labels: readonly string[] } | { readonly kind: 'all-but'; readonly labels: readonly string[] };

/** One operation applied to a selector's series on the way to the answer. */
export type UsageStep =
  | { readonly kind: 'function'; readonly name: string }
  | { readonly kind: 'aggregation'; readonly op: AggregateOp; readonly grouping?: Grouping }
  | {
      readonly kind: 'binary';
      readonly op: BinaryOp;
      /** Which operand the selector is in. */
      readonly side: 'lhs' | 'rhs';
      /** Whether the other operand is a scalar (elementwise) or a vector (matched). */
      readonly other: 'scalar' | 'vector';
      readonly returnBool: boolean;
      readonly matching?: VectorMatching;
    }
  | { readonly kind: 'unary'; readonly op: '-' | '+' }
  | { readonly kind: 'subquery'; readonly range: string }
  | { readonly kind: 'parameter'; readonly of: string };

/** How one selector of a query is used. */
export interface SelectorUsage {
  /** The metric name, when the selector names one. @default - selected by matchers only */
  readonly metric?: string;
  readonly matchers: readonly LabelMatcher[];
  /** The range of a matrix selector, seconds. @default - an instant selector */
  readonly rangeSeconds?: number;
  /** The selector's place in the expression text. */
  readonly span: Span;
  /** Operations from the selector outward, innermost first. */
  readonly steps: readonly UsageStep[];
  /** Index in `steps` of the operation after which only `labels` identify the series, or -1. */
  readonly reducingStep: number;
  /** Labels whose values can change the answer. */
  readonly labels: LabelNeed;
  /** Label names the selector's matchers read (without `__name__`). */
  readonly matcherLabels: readonly string[];
  /** Function and aggregation names applied, innermost first, e.g. `['rate', 'sum']`. */
  readonly functions: readonly string[];
}

/** The usage model of one query: every selector with how it is used. */
export interface QueryUsage {
  readonly selectors: readonly SelectorUsage[];
}

const LABEL_SOURCE_FUNCTIONS: Readonly<Record<string, (args: readonly Expr[]) => string[]>> = {
  label_replace: (args) => [stringArg(args[1]), stringArg(args[3])],
  label_join: (args) => [stringArg(args[1]), ...args.slice(3).map(stringArg)],
  histogram_quantile: () => ['le'],
  histogram_fraction: () => ['le'],
};

function stringArg(arg: Expr | undefined): string {
  return arg?.kind === 'string' ? arg.value : '';
}

/**
 * The usage model of a parsed query: for every vector or matrix selector, the labels the query
 * needs, the operations applied over it (innermost first) and the point after which only those
 * labels matter. A recommender reads it to decide which labels can be aggregated away with
 * which function (see `assessQuery`).
 */
export function extractUsage(expr: Expr): QueryUsage {
  const selectors: SelectorUsage[] = [];
  walk(expr, [], selectors);
  return { selectors };
}

type Frame = { step: UsageStep; extraLabels: readonly string[]; reduces?: LabelNeed };

function walk(expr: Expr, frames: Frame[], out: SelectorUsage[]): void {
  switch (expr.kind) {
    case 'vector-selector':
      out.push(selectorUsage(expr.metric, expr.matchers, undefined, expr.span, frames));
      return;
    case 'matrix-selector':
      out.push(selectorUsage(expr.selector.metric, expr.selector.matchers, expr.rangeSeconds, expr.selector.span, frames));
      return;
    case 'number':
    case 'string':
      return;
    case 'paren':
      walk(expr.expr, frames, out);
      return;
    case 'unary':
      walk(expr.expr, [{ step: { kind: 'unary', op: expr.op }, extraLabels: [] }, ...frames], out);
      return;
    case 'subquery':
      walk(expr.expr, [{ step: { kind: 'subquery', range: expr.range }, extraLabels: [] }, ...frames], out);
      return;
    case 'aggregate': {
      if (expr.param) walk(expr.param, [{ step: { kind: 'parameter', of: expr.op }, extraLabels: [] }, ...frames], out);
      const grouping = expr.grouping;
      const step: UsageStep = { kind: 'aggregation', op: expr.op, ...(grouping ? { grouping } : {}) };
      const keepsSeries = expr.op === 'topk' || expr.op === 'bottomk';
      const groupLabels = grouping && !grouping.without ? grouping.labels : [];
      const countValuesLabel = expr.op === 'count_values' ? [stringArg(expr.param)] : [];
      let reduces: LabelNeed | undefined;
      if (!keepsSeries) reduces = grouping?.without ? { kind: 'all-but', labels: grouping.labels } : { kind: 'only', labels: groupLabels };
      walk(expr.expr, [{ step, extraLabels: [...groupLabels, ...countValuesLabel], ...(reduces ? { reduces } : {}) }, ...frames], out);
      return;
    }
    case 'call': {
      const extra = LABEL_SOURCE_FUNCTIONS[expr.func]?.(expr.args).filter((l) => l !== '') ?? [];
      const isAbsent = expr.func === 'absent' || expr.func === 'absent_over_time';
      const frame: Frame = { step: { kind: 'function', name: expr.func }, extraLabels: extra, ...(isAbsent ? { reduces: { kind: 'only', labels: [] } } : {}) };
      for (const arg of expr.args) walk(arg, [frame, ...frames], out);
      return;
    }
    case 'binary': {
      const lhsScalar = isScalar(expr.lhs);
      const rhsScalar = isScalar(expr.rhs);
      for (const side of ['lhs', 'rhs'] as const) {
        const operand = side === 'lhs' ? expr.lhs : expr.rhs;
        const otherScalar = side === 'lhs' ? rhsScalar : lhsScalar;
        const step: UsageStep = {
          kind: 'binary',
          op: expr.op,
          side,
          other: otherScalar ? 'scalar' : 'vector',
          returnBool: expr.returnBool,
          ...(expr.matching ? { matching: expr.matching } : {}),
        };
        const m = expr.matching;
        const extra = m?.on ? [...m.labels, ...m.include] : m ? [...m.include] : [];
        const reduces = otherScalar ? undefined : binaryReduction(expr.op, side, m);
        walk(operand, [{ step, extraLabels: extra, ...(reduces ? { reduces } : {}) }, ...frames], out);
      }
      return;
    }
  }
}

/** When only the `on` labels of this operand reach the answer. */
function binaryReduction(op: BinaryOp, side: 'lhs' | 'rhs', matching: VectorMatching | undefined): LabelNeed | undefined {
  if (!matching?.on) return undefined;
  const setOp = op === 'and' || op === 'unless';
  if (setOp && side === 'rhs') return { kind: 'only', labels: matching.labels };
  if (setOp || op === 'or') return undefined;
  if (matching.card === 'one-to-one') return { kind: 'only', labels: matching.labels };
  const oneSide = matching.card === 'many-to-one' ? 'rhs' : 'lhs';
  return side === oneSide ? { kind: 'only', labels: [...matching.labels, ...matching.include] } : undefined;
}

function isScalar(expr: Expr): boolean {
  switch (expr.kind) {
    case 'number':
      return true;
    case 'paren':
      return isScalar(expr.expr);
    case 'unary':
      return isScalar(expr.expr);
    case 'call':
      return expr.func === 'scalar' || expr.func === 'time' || expr.func === 'pi';
    case 'binary':
      return isScalar(expr.lhs) && isScalar(expr.rhs);
    default:
      return false;
  }
}

function selectorUsage(
  metric: string | undefined,
  matchers: readonly LabelMatcher[],
  rangeSeconds: number | undefined,
  span: Span,
  frames: readonly Frame[],
): SelectorUsage {
  const matcherLabels = unique(matchers.map((m) => m.name).filter((n) => n !== '__name__'));
  const collected = new Set<string>(matcherLabels);
  let labels: LabelNeed = { kind: 'all' };
  let reducingStep = -1;
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i]!;
    for (const l of frame.extraLabels) collected.add(l);
    const reduces = frame.reduces;
    if (reduces && reduces.kind !== 'all') {
      reducingStep = i;
      labels =
        reduces.kind === 'only'
          ? { kind: 'only', labels: unique([...collected, ...reduces.labels]) }
          : { kind: 'all-but', labels: unique(reduces.labels.filter((l) => !collected.has(l))) };
      break;
    }
  }
  const steps = frames.map((f) => f.step);
  const functions = steps.flatMap((s) => (s.kind === 'function' ? [s.name] : s.kind === 'aggregation' ? [s.op] : []));
  return {
    matchers,
    span,
    steps,
    reducingStep,
    labels,
    matcherLabels,
    functions,
    ...(metric !== undefined ? { metric } : {}),
    ...(rangeSeconds !== undefined ? { rangeSeconds } : {}),
  };
}

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Everything the queries found need of one metric: the union over every selector that names it. */
export interface MetricUsage {
  readonly metric: string;
  readonly labels: LabelNeed;
  /** Function and aggregation names applied over the metric, sorted. */
  readonly functions: readonly string[];
  /** How many selectors read the metric. */
  readonly selectorCount: number;
}

/** Merges two label needs: the labels either needs. */
export function unionLabelNeeds(a: LabelNeed, b: LabelNeed): LabelNeed {
  if (a.kind === 'all' || b.kind === 'all') return { kind: 'all' };
  if (a.kind === 'only' && b.kind === 'only') return { kind: 'only', labels: unique([...a.labels, ...b.labels]) };
  if (a.kind === 'all-but' && b.kind === 'all-but') return { kind: 'all-but', labels: a.labels.filter((l) => b.labels.includes(l)) };
  const allBut = a.kind === 'all-but' ? a.labels : b.kind === 'all-but' ? b.labels : [];
  const only = a.kind === 'only' ? a.labels : b.kind === 'only' ? b.labels : [];
  return { kind: 'all-but', labels: allBut.filter((l) => !only.includes(l)) };
}

/** Per metric name, the union of the usage of every selector that names it. */
export function summarizeUsage(queries: Iterable<QueryUsage>): Map<string, MetricUsage> {
  const byMetric = new Map<string, { labels: LabelNeed; functions: Set<string>; count: number }>();
  for (const query of queries) {
    for (const sel of query.selectors) {
      if (sel.metric === undefined) continue;
      const entry = byMetric.get(sel.metric);
      if (!entry) byMetric.set(sel.metric, { labels: sel.labels, functions: new Set(sel.functions), count: 1 });
      else {
        entry.labels = unionLabelNeeds(entry.labels, sel.labels);
        for (const f of sel.functions) entry.functions.add(f);
        entry.count += 1;
      }
    }
  }
  const out = new Map<string, MetricUsage>();
  for (const [metric, e] of byMetric) out.set(metric, { metric, labels: e.labels, functions: [...e.functions].sort(), selectorCount: e.count });
  return out;
}
