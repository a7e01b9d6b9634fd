/** Instant-answer comparison for the zero-loss tests; the strict forms are the product's own. */
export { strictForms } from '../../analysis/compare';

/** One sample of an instant answer. */
export interface Sample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Differences between two instant answers, labels compared without `ignore`; values within `tolerance` (relative). */
export function answerDifferences(expected: readonly Sample[], actual: readonly Sample[], ignore: readonly string[], tolerance = 1e-9): string[] {
  const key = (metric: Readonly<Record<string, string>>) =>
    JSON.stringify(
      Object.entries(metric)
        .filter(([name]) => !ignore.includes(name))
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    );
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
