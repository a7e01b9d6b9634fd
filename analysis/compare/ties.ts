/**
 * Ties of `topk` / `bottomk`. When several series tie at the k-th value, Prometheus picks among
 * them by an order that depends on every label, `phoenix_variant` included; the baseline and a
 * candidate copy of the same data can therefore answer with different, equally right, series.
 * Only the series tied at the boundary value of their group can differ that way: a series above
 * the boundary (below, for `bottomk`) is in every right answer.
 *
 * {@link alignSelectionTies} moves, per timestamp, a candidate point that is tied at the boundary
 * onto the baseline series it stands in for (same group, same value, also at the boundary there).
 * Everything else is left for the usual comparison to judge, so an answer that differs in any
 * other way still differs.
 */
import { parsePromQL, type Expr } from '../promql';
import { valuesEqual, type ResultSeries } from './same-answer';

/** The selection a query's answer is the result of: `topk`/`bottomk` and their grouping. */
export interface Selection {
  readonly op: 'topk' | 'bottomk';
  /** `by (…)` labels, or the `without (…)` labels when `without` is set. @default - one group */
  readonly grouping?: { readonly without: boolean; readonly labels: readonly string[] };
}

/**
 * The `topk`/`bottomk` whose output is the query's answer, seen through parentheses and
 * arithmetic or comparison with a number (which keep every series' identity); otherwise none.
 */
export function selectionOf(query: string | Expr): Selection | undefined {
  let node: Expr;
  if (typeof query === 'string') {
    const parsed = parsePromQL(query);
    if (!parsed.ok) return undefined;
    node = parsed.expr;
  } else node = query;
  for (;;) {
    if (node.kind === 'paren') node = node.expr;
    else if (node.kind === 'binary' && !['and', 'or', 'unless'].includes(node.op) && node.rhs.kind === 'number') node = node.lhs;
    else if (node.kind === 'binary' && !['and', 'or', 'unless'].includes(node.op) && node.lhs.kind === 'number') node = node.rhs;
    else break;
  }
  if (node.kind !== 'aggregate' || (node.op !== 'topk' && node.op !== 'bottomk')) return undefined;
  return node.grouping ? { op: node.op, grouping: { without: node.grouping.without, labels: [...node.grouping.labels] } } : { op: node.op };
}

interface Point {
  readonly identity: string;
  readonly value: number;
}

/**
 * `actual` with its boundary-tied points moved onto the `expected` series they stand in for;
 * `actual` itself when nothing needs moving. Labels in `ignoreLabels` are not part of identity.
 */
export function alignSelectionTies(
  expected: readonly ResultSeries[],
  actual: readonly ResultSeries[],
  selection: Selection,
  options: { readonly ignoreLabels?: readonly string[]; readonly tolerance?: number } = {},
): ResultSeries[] {
  const ignore = new Set(options.ignoreLabels ?? []);
  const tolerance = options.tolerance ?? 1e-9;
  const identityOf = (metric: Readonly<Record<string, string>>) => {
    const keys = Object.keys(metric)
      .filter((k) => !ignore.has(k))
      .sort();
    return JSON.stringify(keys.map((k) => [k, metric[k]]));
  };
  const groupOf = (metric: Readonly<Record<string, string>>) => {
    const g = selection.grouping;
    const keys = Object.keys(metric)
      .filter((k) => !ignore.has(k) && k !== '__name__' && (!g ? false : g.without ? !g.labels.includes(k) : g.labels.includes(k)))
      .sort();
    return JSON.stringify(keys.map((k) => [k, metric[k]]));
  };
  // per side: timestamp → group → points
  const index = (series: readonly ResultSeries[]) => {
    const byTime = new Map<number, Map<string, Point[]>>();
    const metricOf = new Map<string, Readonly<Record<string, string>>>();
    for (const s of series) {
      const identity = identityOf(s.metric);
      metricOf.set(identity, s.metric);
      const group = groupOf(s.metric);
      for (const [t, value] of s.values) {
        let groups = byTime.get(t);
        if (!groups) byTime.set(t, (groups = new Map()));
        let points = groups.get(group);
        if (!points) groups.set(group, (points = []));
        points.push({ identity, value });
      }
    }
    return { byTime, metricOf };
  };
  const want = index(expected);
  const got = index(actual);
  const boundary = (points: readonly Point[]) => {
    const finite = points.map((p) => p.value).filter((v) => !Number.isNaN(v));
    if (finite.length === 0) return NaN;
    return selection.op === 'topk' ? Math.min(...finite) : Math.max(...finite);
  };

  // identity → moved points (timestamp → new identity)
  const moves = new Map<string, Map<number, string>>();
  for (const [t, groups] of got.byTime) {
    for (const [group, points] of groups) {
      const reference = want.byTime.get(t)?.get(group);
      if (!reference) continue;
      const present = new Set(reference.map((p) => p.identity));
      const own = new Set(points.map((p) => p.identity));
      const edgeGot = boundary(points);
      const edgeWant = boundary(reference);
      if (!valuesEqual(edgeWant, edgeGot, tolerance)) continue;
      const open = reference.filter((p) => !own.has(p.identity) && valuesEqual(p.value, edgeWant, tolerance));
      for (const p of points
        .filter((x) => !present.has(x.identity) && valuesEqual(x.value, edgeGot, tolerance))
        .sort((a, b) => (a.identity < b.identity ? -1 : 1))) {
        const target = open.shift();
        if (!target) break;
        let m = moves.get(p.identity);
        if (!m) moves.set(p.identity, (m = new Map()));
        m.set(t, target.identity);
      }
    }
  }
  if (moves.size === 0) return [...actual];

  const out = new Map<string, { metric: Readonly<Record<string, string>>; values: Array<[number, number]> }>();
  const add = (identity: string, metric: Readonly<Record<string, string>>, t: number, v: number) => {
    let s = out.get(identity);
    if (!s) out.set(identity, (s = { metric, values: [] }));
    s.values.push([t, v]);
  };
  for (const s of actual) {
    const identity = identityOf(s.metric);
    const m = moves.get(identity);
    for (const [t, v] of s.values) {
      const target = m?.get(t);
      if (target === undefined) add(identity, s.metric, t, v);
      else add(target, want.metricOf.get(target)!, t, v);
    }
  }
  return [...out.values()].map((s) => ({ metric: s.metric, values: s.values.sort((a, b) => a[0] - b[0]) }));
}
