import { assessQuery, type AggregationFunction, type SeriesChange } from './assess';
import type { QueryUsage } from './usage';

/** The cheapest lossless aggregation of one metric for a set of queries, or why there is none. */
export type LosslessAggregation =
  | {
      readonly possible: true;
      /** Labels to keep (translation labels such as `le`, `job`, `instance` stay anyway). */
      readonly keep: readonly string[];
      /** Labels merged away. */
      readonly remove: readonly string[];
      /** The merge function every query tolerates. */
      readonly function: AggregationFunction;
      /** Conditions under which the answers stay exact (e.g. counter resets). */
      readonly caveats: readonly string[];
    }
  | { readonly possible: false; readonly reason: string };

const TRANSLATION_LABELS = new Set(['__name__', 'le', 'quantile', 'job', 'instance']);

/**
 * For a metric with the given label names (from a snapshot), the labels every query needs and a
 * merge function under which every query that reads the metric keeps its answer: keep the union
 * of what the queries read, try `sum`, then `max`, then `min`, and confirm each query with
 * {@link assessQuery}. `possible: false` when a query reads the metric raw, when nothing can be
 * removed, or when no function keeps every answer.
 */
export function findLosslessAggregation(
  queries: readonly QueryUsage[],
  metric: string,
  labelsOnMetric: readonly string[],
  functions: readonly AggregationFunction[] = ['sum', 'max', 'min'],
): LosslessAggregation {
  const reading = queries.filter((q) => q.selectors.some((s) => s.metric === metric));
  const needed = new Set<string>();
  for (const query of reading) {
    for (const sel of query.selectors.filter((s) => s.metric === metric)) {
      for (const label of sel.matcherLabels) needed.add(label);
      if (sel.labels.kind === 'all')
        return { possible: false, reason: `a query reads ${metric} with every label (${sel.functions.join(' → ') || 'raw selector'})` };
      if (sel.labels.kind === 'only') for (const label of sel.labels.labels) needed.add(label);
      else for (const label of labelsOnMetric) if (!sel.labels.labels.includes(label)) needed.add(label);
    }
  }
  const remove = labelsOnMetric.filter((l) => !needed.has(l) && !TRANSLATION_LABELS.has(l));
  if (remove.length === 0) return { possible: false, reason: `the queries read every label of ${metric}` };
  const keep = labelsOnMetric.filter((l) => !remove.includes(l));
  if (reading.length === 0) return { possible: true, keep, remove, function: functions[0] ?? 'sum', caveats: [] };
  const rejections: string[] = [];
  for (const fn of functions) {
    const change: SeriesChange = { kind: 'aggregate', metric, function: fn, remove };
    const caveats = new Set<string>();
    const failed = reading
      .map((q) => assessQuery(q, change))
      .find((v) => {
        if (v.verdict === 'unchanged') v.caveats.forEach((c) => caveats.add(c));
        return v.verdict !== 'unchanged';
      });
    if (!failed) return { possible: true, keep, remove, function: fn, caveats: [...caveats] };
    rejections.push(`${fn}: ${failed.verdict === 'changed' ? failed.reasons[0]!.reason : failed.reasons[0]}`);
  }
  return { possible: false, reason: `no merge function keeps every answer (${rejections.join('; ')})` };
}
