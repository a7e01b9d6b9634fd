import type { MetricType } from '../series/model';

/** Labels the translation makes from the resource: `job` and `instance` (never data-point attributes). */
const RESOURCE_LABELS: ReadonlySet<string> = new Set(['job', 'instance']);

/**
 * Labels that are not data-point attributes, so no `keepAttributes` can remove them: the resource's
 * `job`/`instance`, and the instrumentation scope's `otel_scope_name`, `otel_scope_version`,
 * `otel_scope_…` that the exporter writes on every series of an OTLP-fed metric.
 */
export function isNonAttributeLabel(label: string): boolean {
  return RESOURCE_LABELS.has(label) || label.startsWith('otel_scope_');
}

/**
 * Labels that are part of a metric type's structure rather than attributes: `le` for histograms
 * (the bucket bound), `quantile` for summaries. On any other type they are ordinary attributes (a
 * gauge `…{quantile="0.9"}`, a counter `…{le="100"}`) and must be kept like any other.
 */
export function structuralLabels(type: MetricType): ReadonlySet<string> {
  if (type === 'histogram' || type === 'gaugehistogram') return new Set(['le']);
  if (type === 'summary') return new Set(['quantile']);
  return new Set();
}

/**
 * The data-point attributes a `keepAttributes` processor must keep for a recommendation that
 * keeps `keep`: every kept label but the resource labels and the labels the metric type makes
 * itself. The written experiment and the series count come from this one value.
 */
export function keptAttributes(recommendation: { readonly type: MetricType; readonly keep: readonly string[] }): string[] {
  const structural = structuralLabels(recommendation.type);
  return recommendation.keep.filter((label) => !isNonAttributeLabel(label) && !structural.has(label));
}

/**
 * The labels a series keeps once the written processor has run: the kept attributes plus the
 * resource and structural labels the processor cannot touch. The report's series count uses it.
 */
export function labelsLeft(type: MetricType, keep: readonly string[], familyLabels: readonly string[]): string[] {
  const attributes = new Set(keptAttributes({ type, keep }));
  const structural = structuralLabels(type);
  return familyLabels.filter((label) => attributes.has(label) || isNonAttributeLabel(label) || structural.has(label));
}
