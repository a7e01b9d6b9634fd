/**
 * The strict forms of a query. An equal empty answer proves nothing, and alerts are usually empty
 * (their threshold filters everything out), so a query is compared as written and also in the
 * forms that keep data: without its top-level comparison against a number (the value an alert
 * watches), each operand of `and` / `or` / `unless` on its own, and the operand of a
 * `topk`/`bottomk` answer (whose ties are excused, see ./ties.ts; the operand is not) —
 * recursively, each also without its comparison.
 */
import { parsePromQL, type Expr } from '../promql';

const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPERATORS = new Set(['and', 'or', 'unless']);

/** The query and every stricter form of it, as PromQL text (first the query itself); unparsable text is returned alone. */
export function strictForms(query: string): string[] {
  const parsed = parsePromQL(query);
  if (!parsed.ok) return [query];
  const forms = new Set<string>([query.trim()]);
  const text = (e: Expr) => query.slice(e.span.from, e.span.to).trim();
  const add = (e: Expr) => {
    forms.add(text(e));
    visit(e);
  };
  const visit = (e: Expr): void => {
    const inner = e.kind === 'paren' ? e.expr : e;
    if (inner.kind === 'aggregate' && (inner.op === 'topk' || inner.op === 'bottomk')) add(inner.expr);
    if (inner.kind !== 'binary') return;
    if (COMPARISONS.has(inner.op) && !inner.returnBool) {
      const side = inner.rhs.kind === 'number' ? inner.lhs : inner.lhs.kind === 'number' ? inner.rhs : undefined;
      if (side) add(side);
    } else if (SET_OPERATORS.has(inner.op)) {
      add(inner.lhs);
      add(inner.rhs);
    }
  };
  visit(parsed.expr);
  return [...forms].filter((form) => parsePromQL(form).ok);
}
