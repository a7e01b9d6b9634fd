/**
 * Strict comparison of two answers. An equal empty answer proves nothing, and alerts are usually
 * empty (their threshold filters everything out), so a query is compared as written and also in
 * the forms that keep data: without its top-level comparison against a number, and each operand of
 * `and` / `or` / `unless` on its own (recursively).
 */
import { parsePromQL, type Expr } from '../../analysis/promql';

const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPERATORS = new Set(['and', 'or', 'unless']);

/** The query and every stricter form of it, as PromQL text (first the query itself). */
export function strictForms(query: string): string[] {
  const parsed = parsePromQL(query);
  if (!parsed.ok) return [query];
  const forms = new Set<string>([query.trim()]);
  const text = (e: Expr) => query.slice(e.span.from, e.span.to).trim();
  const visit = (e: Expr): void => {
    const inner = e.kind === 'paren' ? e.expr : e;
    if (inner.kind !== 'binary') return;
    if (COMPARISONS.has(inner.op) && !inner.returnBool) {
      const side = inner.rhs.kind === 'number' ? inner.lhs : inner.lhs.kind === 'number' ? inner.rhs : undefined;
      if (side) {
        forms.add(text(side));
        visit(side);
      }
    } else if (SET_OPERATORS.has(inner.op)) {
      for (const operand of [inner.lhs, inner.rhs]) {
        forms.add(text(operand));
        visit(operand);
      }
    }
  };
  visit(parsed.expr);
  return [...forms];
}

/** One sample of an instant answer. */
export interface Sample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Differences between two instant answers, labels compared without `ignore`; values within `tolerance` (relative). */
export function answerDifferences(expected: readonly Sample[], actual: readonly Sample[], ignore: readonly string[], tolerance = 1e-9): string[] {
  const key = (metric: Readonly<Record<string, string>>) =>
    JSON.stringify(Object.entries(metric).filter(([name]) => !ignore.includes(name)).sort(([a], [b]) => (a < b ? -1 : 1)));
  const want = new Map(expected.map((s) => [key(s.metric), s.value]));
  const got = new Map(actual.map((s) => [key(s.metric), s.value]));
  const out: string[] = [];
  for (const [k, v] of want) {
    const w = got.get(k);
    if (w === undefined) out.push(`missing ${k}`);
    else if (!(Math.abs(v - w) <= tolerance * Math.max(Math.abs(v), Math.abs(w)) || (Number.isNaN(v) && Number.isNaN(w)))) out.push(`${k}: ${v} ≠ ${w}`);
  }
  for (const k of got.keys()) if (!want.has(k)) out.push(`extra ${k}`);
  return out;
}
