import type { Expr, Grouping, VectorMatching } from './ast';
import { parsePromQL } from './parse';
import { printPromQL } from './print';
import { quotePromQLString } from './strings';
import { checkTypes } from './types';
import { forEachSelector } from './walk';

/** How to evaluate one query for many partitions at once, or why that is not safe. */
export type PartitionedQueryPlan =
  | {
      readonly ok: true;
      /** The query with `matchers` (rendered, e.g. `phoenix_variant=~"a|b"`) added to every selector. */
      render(matchers: string): string;
    }
  | { readonly ok: false; readonly reason: string };

/** Functions whose answer is not per input series, so one partition's answer would depend on (or lack) the others'. */
const NOT_PER_SERIES: Readonly<Record<string, string>> = {
  absent: 'absent() answers once for the whole selection',
  absent_over_time: 'absent_over_time() answers once for the whole selection',
  vector: 'vector() yields a series without labels',
  scalar: 'scalar() of many partitions is NaN',
};

/** Functions that, called without an argument, answer `vector(time())`: one series without labels. */
const CLOCK = new Set(['days_in_month', 'day_of_month', 'day_of_week', 'day_of_year', 'hour', 'minute', 'month', 'year']);

class NotPartitionable extends Error {}

/**
 * Plans the evaluation of `query` for many partitions (e.g. every experiment × variant) in one
 * query, whose answer restricted to one partition's label values, with those labels removed,
 * equals the answer of the query evaluated with that partition's equality matchers injected.
 *
 * The rewrite carries the `partitionLabels` through every operation: aggregations group by them
 * too (`by (…, P)`, or `without (…)` minus P), vector matching matches on them too (`on (…, P)`,
 * `ignoring (…)` minus P, never copying them with `group_left`/`group_right`), and per-series
 * functions keep them. Queries where one partition's answer would depend on the others or could
 * not be told apart are refused with a reason: `absent()`, `absent_over_time()`, `vector()`,
 * `scalar()`, clock functions without an argument, `label_replace`/`label_join`/`count_values`
 * writing a partition label, `@ start()`/`@ end()` (the batch's range differs), a scalar answer, a
 * selector that already matches one of `injectedLabels`, and anything that does not parse.
 */
export function planPartitionedQuery(
  query: string,
  partitionLabels: readonly string[],
  injectedLabels: readonly string[] = partitionLabels,
): PartitionedQueryPlan {
  const parsed = parsePromQL(query);
  if (!parsed.ok) return { ok: false, reason: `does not parse: ${parsed.problems[0]!.message}` };
  const injected = new Set([...injectedLabels, ...partitionLabels]);
  let clash: string | undefined;
  forEachSelector(parsed.expr, (selector) => {
    clash ??= selector.matchers.find((m) => injected.has(m.name))?.name;
  });
  if (clash) return { ok: false, reason: `a selector already matches ${clash}` };
  if (checkTypes(parsed.expr, []) !== 'vector') return { ok: false, reason: 'the answer is not an instant vector, so it carries no partition labels' };
  let rewritten: Expr;
  try {
    rewritten = partitioned(parsed.expr, partitionLabels);
  } catch (error) {
    if (error instanceof NotPartitionable) return { ok: false, reason: error.message };
    throw error;
  }
  return { ok: true, render: (matchers) => printPromQL(rewritten, matchers) };
}

/** An anchored RE2 alternation matching exactly `values` (for `label=~"…"`). */
export function alternationOf(values: Iterable<string>): string {
  return [...new Set(values)]
    .sort()
    .map((v) => v.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&'))
    .join('|');
}

/** `name=~"v1|v2|…"` matching exactly `values`. */
export function alternationMatcher(name: string, values: Iterable<string>): string {
  return `${name}=~${quotePromQLString(alternationOf(values))}`;
}

function partitioned(e: Expr, p: readonly string[]): Expr {
  const without = (labels: readonly string[]) => labels.filter((l) => !p.includes(l));
  const union = (labels: readonly string[]) => [...labels, ...p.filter((l) => !labels.includes(l))];
  const atRange = (at: string | undefined): void => {
    if (at === 'start()' || at === 'end()') throw new NotPartitionable(`@ ${at} depends on the range of the query, which a batch widens`);
  };
  switch (e.kind) {
    case 'vector-selector':
      atRange(e.at);
      return e;
    case 'matrix-selector':
      atRange(e.at);
      atRange(e.selector.at);
      return e;
    case 'subquery':
      atRange(e.at);
      return { ...e, expr: partitioned(e.expr, p) };
    case 'number':
    case 'string':
      return e;
    case 'paren':
    case 'unary':
      return { ...e, expr: partitioned(e.expr, p) };
    case 'call': {
      const refused = NOT_PER_SERIES[e.func];
      if (refused) throw new NotPartitionable(refused);
      if (CLOCK.has(e.func) && e.args.length === 0) throw new NotPartitionable(`${e.func}() without an argument yields a series without labels`);
      const target = e.args[1];
      if ((e.func === 'label_replace' || e.func === 'label_join') && target?.kind === 'string' && p.includes(target.value)) {
        throw new NotPartitionable(`${e.func}() writes the partition label ${target.value}`);
      }
      return { ...e, args: e.args.map((a) => partitioned(a, p)) };
    }
    case 'aggregate': {
      if (e.op === 'count_values' && e.param?.kind === 'string' && p.includes(e.param.value)) {
        throw new NotPartitionable(`count_values() writes the partition label ${e.param.value}`);
      }
      const grouping: Grouping = !e.grouping
        ? { without: false, labels: [...p] }
        : e.grouping.without
          ? { without: true, labels: without(e.grouping.labels) }
          : { without: false, labels: union(e.grouping.labels) };
      return { ...e, grouping, expr: partitioned(e.expr, p), ...(e.param ? { param: partitioned(e.param, p) } : {}) };
    }
    case 'binary': {
      const lhs = partitioned(e.lhs, p);
      const rhs = partitioned(e.rhs, p);
      const m = e.matching;
      if (!m) return { ...e, lhs, rhs };
      const matching: VectorMatching = { ...m, labels: m.on ? union(m.labels) : without(m.labels), include: without(m.include) };
      return { ...e, lhs, rhs, matching };
    }
  }
}
