import type { AnalyzedQuery } from '../promql/analyze';
import { compileMatcherRegex } from '../promql/strings';
import type { MetricFamily } from './families';

/** Text Phoenix could not analyse (a query that does not parse, a file that does not load), with where it is. */
export interface UnreadableSource {
  /** `file:line:column`, shown as the reason a metric is left untouched. */
  readonly where: string;
  /** The text whose metric names are protected. */
  readonly text: string;
}

const IDENTIFIER = /[A-Za-z_:][A-Za-z0-9_:]*/g;

/**
 * Families no recommendation may touch, with the reason: every family whose name (or one of
 * its series names) appears as a word in text that could not be analysed, and every family a
 * selector without a metric name may read (`{__name__=~"…"}` by its regex; a selector with no
 * `__name__` matcher at all may read anything).
 */
export function protectedFamilies(
  families: readonly MetricFamily[],
  queries: readonly AnalyzedQuery[],
  unreadable: readonly UnreadableSource[],
): Map<string, string> {
  const out = new Map<string, string>();
  const familyOfName = new Map<string, string>();
  for (const f of families) {
    familyOfName.set(f.name, f.name);
    for (const n of f.seriesNames) familyOfName.set(n, f.name);
  }
  for (const source of unreadable) {
    for (const word of source.text.match(IDENTIFIER) ?? []) {
      const family = familyOfName.get(word);
      if (family !== undefined && !out.has(family)) out.set(family, `named in ${source.where}, which could not be analysed`);
    }
  }
  for (const q of queries) {
    for (const sel of q.usage.selectors) {
      if (sel.metric !== undefined) continue;
      const where = `${q.query.origin.file}:${q.query.origin.line}:${q.query.origin.column}`;
      const nameMatchers = sel.matchers.filter((m) => m.name === '__name__');
      for (const f of families) {
        if (out.has(f.name)) continue;
        const hit = nameMatchers.length === 0 || f.seriesNames.some((n) => nameMatchers.every((m) => matches(m.op, m.value, n)));
        if (hit) out.set(f.name, `a selector without a metric name at ${where} may read it`);
      }
    }
  }
  return out;
}

function matches(op: string, value: string, name: string): boolean {
  if (op === '=') return name === value;
  if (op === '!=') return name !== value;
  const regex = compileMatcherRegex(value).regex;
  if (!regex) return true; // unknown: protect
  return op === '=~' ? regex.test(name) : !regex.test(name);
}
