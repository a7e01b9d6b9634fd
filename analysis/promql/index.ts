/**
 * PromQL for Phoenix: parse and check against Prometheus 2.42, find queries in rule files,
 * PrometheusRule objects, Grafana dashboards and inline guardrails, extract how each query uses
 * each metric, decide whether a pipeline change keeps a query's answer, and inject the shadow
 * experiment's matchers. Pure: file contents in, values out. See docs/promql.md.
 */
export type * from './ast';
export { parsePromQL, matchesEmpty, type ParseResult, type PromQLProblem, type PromQLProblemKind } from './parse';
export { PROMQL_DIALECT, FUNCTIONS_2_42, AGGREGATIONS_2_42, RANGE_FUNCTIONS, durationSeconds } from './dialect';
export { extractUsage, summarizeUsage, unionLabelNeeds, type LabelNeed, type MetricUsage, type QueryUsage, type SelectorUsage, type UsageStep } from './usage';
export {
  assessQuery,
  COUNTER_RESET_CAVEAT,
  DELTA_RESET_CAVEAT,
  type AggregationFunction,
  type MergeFunction,
  type ChangeReason,
  type QueryVerdict,
  type SeriesChange,
} from './assess';
export { injectLabelMatchers, injectVariant, labelInjector, LabelInjectionError, EXPERIMENT_LABEL, VARIANT_LABEL } from './inject';
export { forEachSelector } from './walk';
export { planPartitionedQuery, alternationOf, alternationMatcher, type PartitionedQueryPlan } from './batch';
export { printPromQL } from './print';
export { findLosslessAggregation, type LosslessAggregation } from './lossless';
export { LineIndex, positionOf, type FilePosition } from './position';
export { unquotePromQLString, quotePromQLString, compileMatcherRegex } from './strings';
export { analyzeQueries, formatQueryProblem, type AnalyzedQuery, type QueryAnalysis, type QueryProblem } from './analyze';
export { findRuleQueries } from './sources/rules';
export { findDashboardQueries } from './sources/grafana';
export { findConfigMapDashboards, type ConfigMapDashboard } from './sources/configmap-dashboards';
export { expandGrafanaQuery, variablePlaceholder, type ExpandedQuery, type GrafanaExpansionOptions } from './sources/expand';
export { inlineQuery } from './sources/inline';
export { valueToSourceOffsets } from './sources/locate';
export type { FoundQueries, FoundQuery, QueryOrigin, QuerySourceKind, SourceProblem } from './sources/found-query';
