import { assessQuery, COUNTER_RESET_CAVEAT, DELTA_RESET_CAVEAT, extractUsage, parsePromQL, type SeriesChange } from '../promql';
import type { MetricChange } from '../simulate/changes';
import type { Guardrail, GuardrailVerdict } from './estimate-experiment';

/**
 * The guardrail assessor backed by the PromQL analysis: each metric a candidate changes
 * (from the simulation) becomes a `SeriesChange` and every guardrail is assessed against all
 * of them. Series that collide (attributes removed without aggregation) change any query that
 * reads the metric. Worst wins: changed, then unknown, then unchanged.
 */
export function assessGuardrail(guardrail: Guardrail, changes: readonly MetricChange[]): GuardrailVerdict {
  const parsed = parsePromQL(guardrail.query);
  if (!parsed.ok) {
    const problem = parsed.problems[0]!;
    return { status: 'unknown', why: `the query does not parse at offset ${problem.span.from}: ${problem.message}` };
  }
  const usage = extractUsage(parsed.expr);
  const unknown: string[] = [];
  const caveats = new Set<string>();
  for (const change of changes) {
    if (change.status === 'unchanged') continue;
    const read = usage.selectors.some((s) => s.metric === undefined || s.metric === change.metric);
    if (change.collisions > 0 && read) {
      return {
        status: 'changed',
        metric: change.metric,
        why: `${change.collisions} output series of ${change.metric} are written by several input series without aggregation (last write wins)`,
      };
    }
    if (read && change.status === 'reduced' && change.functions.length === 0 && change.removedLabels.length === 0 && change.seriesAfter < change.seriesBefore) {
      return {
        status: 'changed',
        metric: change.metric,
        why: `${change.seriesBefore - change.seriesAfter} of ${change.seriesBefore} series of ${change.metric} are dropped by a filter`,
      };
    }
    for (const seriesChange of toSeriesChanges(change)) {
      const verdict = assessQuery(usage, seriesChange);
      if (verdict.verdict === 'changed') {
        const reason = verdict.reasons[0]!;
        return {
          status: 'changed',
          metric: reason.metric,
          ...(reason.label ? { label: reason.label } : {}),
          ...(reason.function ? { function: reason.function } : {}),
          why: reason.reason,
        };
      }
      if (verdict.verdict === 'unknown') unknown.push(...verdict.reasons);
      else for (const c of verdict.caveats) caveats.add(c === COUNTER_RESET_CAVEAT && change.mergedAsDelta ? DELTA_RESET_CAVEAT : c);
    }
  }
  if (unknown.length > 0) return { status: 'unknown', why: unknown.join('; ') };
  return caveats.size > 0 ? { status: 'unchanged', why: [...caveats].join('; ') } : { status: 'unchanged' };
}

/** What the PromQL assessment needs to know about one changed metric. */
export function toSeriesChanges(change: MetricChange): SeriesChange[] {
  if (change.status === 'dropped') return [{ kind: 'drop-metric', metric: change.metric }];
  if (change.functions.length > 0)
    return change.functions.map((fn) => ({ kind: 'aggregate', metric: change.metric, function: fn, remove: change.removedLabels }));
  if (change.removedLabels.length > 0) return [{ kind: 'drop-labels', metric: change.metric, labels: change.removedLabels }];
  return [];
}
