import { assessGuardrail, type GuardrailVerdict } from '../../../analysis/cost';
import { extractUsage, parsePromQL } from '../../../analysis/promql';
import type { MetricType, Series } from '../../../analysis/series';
import { simulateProcessors, summarizeChanges, type ConfiguredProcessor, type MetricChange } from '../../../analysis/simulate';

/**
 * The assessment `phoenix estimate` makes, for the review: each candidate's processors (from the
 * committed experiment manifest) are simulated over series, the per-metric changes are summarised,
 * and every guardrail is judged by `assessGuardrail` — the same functions, so the review and
 * `estimate` call the same queries broken.
 *
 * The review runs no code and may have no snapshot; without one, the series are made from the
 * guardrails themselves: every metric they read, with the labels they name (two values each),
 * `job`/`instance`, and one stand-in label for the attributes no guardrail names. A query that
 * changes only because that stand-in merges (it reads every label: a raw selector, `without`…)
 * is "possibly changed": it changes if the real metric has such an attribute.
 */

/** One candidate of an experiment manifest: its name and the processors it adds. */
export interface ManifestCandidate {
  readonly name: string;
  readonly processors: readonly ConfiguredProcessor[];
}

/** The verdict of one guardrail across every candidate (the worst wins). */
export type CandidateAssessment =
  { readonly verdict: 'broken'; readonly why: string } | { readonly verdict: 'possibly-changed'; readonly why: string } | { readonly verdict: 'unaffected' };

/** The label standing in for attributes no guardrail names. */
export const UNNAMED_ATTRIBUTE_LABEL = 'phoenix_unnamed_attribute';

/** Assesses each query against every candidate; `series` (a snapshot) when the review has one. */
export function assessCandidateGuardrails(
  queries: readonly string[],
  candidates: readonly ManifestCandidate[],
  series?: readonly Series[],
): CandidateAssessment[] {
  const input = series && series.length > 0 ? series : seriesReadBy(queries);
  const synthetic = !(series && series.length > 0);
  const changes = candidates.map((candidate) => ({
    candidate: candidate.name,
    changes: summarizeChanges(input, simulateProcessors(candidate.processors, { exporter: 'prometheusremotewrite' }, input)),
  }));
  return queries.map((query) => worst(changes.map(({ candidate, changes: c }) => judge(query, candidate, c, synthetic))));
}

function judge(query: string, candidate: string, changes: readonly MetricChange[], synthetic: boolean): CandidateAssessment {
  const verdict: GuardrailVerdict = assessGuardrail({ query }, changes);
  if (verdict.status === 'unchanged') return { verdict: 'unaffected' };
  if (verdict.status === 'unknown') return { verdict: 'possibly-changed', why: `candidate '${candidate}': ${verdict.why}` };
  if (synthetic && verdict.label === UNNAMED_ATTRIBUTE_LABEL) {
    return {
      verdict: 'possibly-changed',
      why: `candidate '${candidate}' merges the attributes of ${verdict.metric} that no guardrail names, and this query reads every label of it: its answer changes if the metric has such an attribute (review with a snapshot to tell)`,
    };
  }
  const what = [verdict.metric, verdict.label && `label ${verdict.label}`, verdict.function && `function ${verdict.function}`].filter(Boolean).join(', ');
  return { verdict: 'broken', why: `candidate '${candidate}' changes the answer (${what}): ${verdict.why}` };
}

function worst(assessments: readonly CandidateAssessment[]): CandidateAssessment {
  return assessments.find((a) => a.verdict === 'broken') ?? assessments.find((a) => a.verdict === 'possibly-changed') ?? { verdict: 'unaffected' };
}

/** Series for every metric the queries read: named labels (two values), job/instance, the stand-in attribute. */
function seriesReadBy(queries: readonly string[]): Series[] {
  const labels = new Map<string, Set<string>>();
  for (const query of queries) {
    const parsed = parsePromQL(query);
    if (!parsed.ok) continue;
    for (const selector of extractUsage(parsed.expr).selectors) {
      if (selector.metric === undefined) continue;
      let set = labels.get(selector.metric);
      if (!set) labels.set(selector.metric, (set = new Set()));
      for (const label of selector.matcherLabels) set.add(label);
      if (selector.labels.kind !== 'all') for (const label of selector.labels.labels) set.add(label);
    }
  }
  const out: Series[] = [];
  for (const [metric, named] of labels) {
    const names = [...named].filter((l) => l !== '__name__' && l !== 'le' && l !== 'job' && l !== 'instance').sort();
    const type = typeOf(metric);
    const base: Record<string, string>[] = [{ job: 'job', instance: 'instance' }];
    const combos = [...names, UNNAMED_ATTRIBUTE_LABEL]
      .reduce(
        (acc, label) =>
          acc.flatMap((l) => [
            { ...l, [label]: 'a' },
            { ...l, [label]: 'b' },
          ]),
        base,
      )
      .slice(0, 4096);
    for (const combo of combos) out.push({ name: metric, labels: type === 'histogram' && metric.endsWith('_bucket') ? { ...combo, le: '+Inf' } : combo, type });
  }
  return out;
}

function typeOf(metric: string): MetricType {
  if (metric.endsWith('_total')) return 'counter';
  if (/_(bucket|sum|count)$/.test(metric)) return 'histogram';
  return 'gauge';
}
