import {
  otelCandidatesFor,
  otelNameCandidates,
  placeResourceAttribute,
  prometheusLabelName,
  readingsConsistentWith,
  TARGET_INFO,
  type OtelMetricType,
} from '../../../analysis/naming';
import { assessQuery, type AnalyzedQuery, type FoundQuery, type SeriesChange } from '../../../analysis/promql';
import type { MetricFacts, Truth } from '../../../analysis/ottl';
import { processorChanges, type OtelChange } from './processor-changes';

/** A processor a candidate adds, as rendered. */
export interface CandidateProcessor {
  readonly id: string;
  readonly type: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** A guardrail a candidate breaks (or that Phoenix cannot vouch for). */
export interface GuardrailViolation {
  readonly verdict: 'changed' | 'unknown';
  readonly processorId: string;
  readonly query: FoundQuery;
  /** Where in the query's file the affected selector is. */
  readonly line: number;
  readonly column: number;
  readonly metric?: string;
  readonly label?: string;
  readonly function?: string;
  readonly reason: string;
}

const OTTL_TYPES: Readonly<Record<OtelMetricType, string>> = {
  gauge: 'METRIC_DATA_TYPE_GAUGE',
  sum: 'METRIC_DATA_TYPE_SUM',
  histogram: 'METRIC_DATA_TYPE_HISTOGRAM',
  exponential_histogram: 'METRIC_DATA_TYPE_EXPONENTIAL_HISTOGRAM',
  summary: 'METRIC_DATA_TYPE_SUMMARY',
};

/**
 * Checks the processors a candidate adds against the guardrail queries: a processor that drops
 * a metric a query reads, removes a label it needs, or merges series with a function that
 * changes its answer is a `changed` violation; one whose effect the rules cannot judge is
 * `unknown`. Pure: the caller finds the processors and parses the queries.
 */
export function checkCandidateGuardrails(processors: readonly CandidateProcessor[], queries: readonly AnalyzedQuery[]): GuardrailViolation[] {
  const violations: GuardrailViolation[] = [];
  for (const processor of processors) {
    const changes = processorChanges(processor.id, processor.type, processor.config);
    if (changes.length === 0) continue;
    const literals = collectLiterals(processor.config);
    for (const query of queries) {
      const violation = firstViolation(processor.id, changes, literals, query);
      if (violation) violations.push(violation);
    }
  }
  return violations;
}

function firstViolation(
  processorId: string,
  changes: readonly OtelChange[],
  literals: readonly string[],
  query: AnalyzedQuery,
): GuardrailViolation | undefined {
  const metrics = [...new Set(query.usage.selectors.map((s) => s.metric).filter((m): m is string => m !== undefined))];
  let unknown: GuardrailViolation | undefined;
  for (const metric of metrics) {
    const facts = factsFor(metric, literals);
    for (const change of changes) {
      const applies = appliesTo(change, facts);
      if (applies === false) continue;
      const seriesChange = toSeriesChange(change, metric);
      if (applies === undefined || seriesChange === undefined) {
        if (seriesChange === undefined || assessQuery(query.usage, seriesChange).verdict !== 'unchanged') {
          unknown ??= locate(query, processorId, 'unknown', query.usage.selectors.find((s) => s.metric === metric)!.span.from, {
            metric,
            reason: `${change.what}; whether it applies to ${metric} cannot be told from the metric's name and type`,
          });
        }
        continue;
      }
      const verdict = assessQuery(query.usage, seriesChange);
      if (verdict.verdict === 'changed') {
        const r = verdict.reasons[0]!;
        return locate(query, processorId, 'changed', r.span.from, {
          metric: r.metric,
          ...(r.label ? { label: r.label } : {}),
          ...(r.function ? { function: r.function } : {}),
          reason: `${change.what}: ${r.reason}`,
        });
      }
      if (verdict.verdict === 'unknown') {
        unknown ??= locate(query, processorId, 'unknown', query.usage.selectors.find((s) => s.metric === metric)!.span.from, {
          metric,
          reason: `${change.what}: ${verdict.reasons[0]}`,
        });
      }
    }
  }
  return unknown;
}

function locate(
  query: AnalyzedQuery,
  processorId: string,
  verdict: 'changed' | 'unknown',
  offset: number,
  rest: { metric?: string; label?: string; function?: string; reason: string },
): GuardrailViolation {
  return { verdict, processorId, query: query.query, ...query.query.locate(offset), ...rest };
}

/**
 * The (name, type) pairs the OTel metric behind `metric` may have: names the processor spells
 * out that can produce it (exact), else every dotted/underscored spelling of it.
 */
function factsFor(metric: string, literals: readonly string[]): MetricFacts[] {
  const named = literals.flatMap((name) => readingsConsistentWith(name, metric).map((r) => ({ name, type: OTTL_TYPES[r.type] })));
  if (named.length > 0) return named;
  const types = [...new Set(otelCandidatesFor(metric).map((r) => OTTL_TYPES[r.type]))];
  return [metric, ...otelNameCandidates(metric)].flatMap((name) => types.map((type) => ({ name, type })));
}

function appliesTo(change: OtelChange, facts: readonly MetricFacts[]): Truth {
  if (change.kind === 'resource-keep' || change.kind === 'resource-remove') return true;
  const results = facts.map((f) => change.when(f));
  if (results.includes(true)) return true;
  return results.includes(undefined) ? undefined : false;
}

function toSeriesChange(change: OtelChange, metric: string): SeriesChange | undefined {
  switch (change.kind) {
    case 'drop':
      return { kind: 'drop-metric', metric };
    case 'keep-attributes':
      return { kind: 'aggregate', metric, function: change.fn, keep: change.keep.map(prometheusLabelName) };
    case 'remove-attributes': {
      const labels = change.attributes.map(prometheusLabelName);
      return change.fn === 'implied' ? { kind: 'drop-labels', metric, labels } : { kind: 'aggregate', metric, function: change.fn, remove: labels };
    }
    case 'resource-keep': {
      const lost = ['service.name', 'service.namespace', 'service.instance.id'].filter((a) => !change.keep.includes(a));
      const labels = [...new Set(lost.flatMap((a) => placeResourceAttribute(a).seriesLabels))];
      if (metric === TARGET_INFO) return { kind: 'aggregate', metric, function: 'collide', keep: change.keep.map(prometheusLabelName) };
      return labels.length === 0 ? { kind: 'drop-labels', metric, labels: [] } : { kind: 'aggregate', metric, function: 'collide', remove: labels };
    }
    case 'resource-remove': {
      const labels = change.attributes.flatMap((a) => {
        const placement = placeResourceAttribute(a);
        return metric === TARGET_INFO && placement.targetInfoLabel ? [placement.targetInfoLabel] : [...placement.seriesLabels];
      });
      return change.merges ? { kind: 'aggregate', metric, function: 'collide', remove: labels } : { kind: 'drop-labels', metric, labels };
    }
    case 'opaque':
      return undefined;
  }
}

/** Every string in a processor's config and its OTTL string literals: the metric names it spells out. */
function collectLiterals(value: unknown, out: Set<string> = new Set()): string[] {
  if (typeof value === 'string') {
    out.add(value);
    for (const m of value.matchAll(/"((?:[^"\\]|\\.)*)"/g)) out.add(JSON.parse(`"${m[1]}"`) as string);
  } else if (Array.isArray(value)) for (const v of value) collectLiterals(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) collectLiterals(v, out);
  return [...out];
}
