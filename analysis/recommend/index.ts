/**
 * The recommender: from a series snapshot and the queries rules and dashboards really run, the
 * cheapest pipeline change per metric that keeps every answer, ranked, and the experiment that
 * tries it. Pure: values in, values (and source text) out. See docs/recommend.md.
 */
export * from './types';
export { groupFamilies, countAfterKeep, type MetricFamily } from './families';
export { protectedFamilies, type UnreadableSource } from './protect';
export { recommendReductions, isCumulative, ABSOLUTE_SUM_CAVEAT, SERIES_BIRTH_CAVEAT, type RecommendInput } from './recommend';
export {
  renderExperimentSource,
  processorMetricNames,
  processorAttributeKeys,
  type ExperimentSourceInput,
  type InlineGuardrail,
  type ProcessorNaming,
} from './experiment-source';
export { renderRecommendationText, renderRecommendationMarkdown, renderRecommendationJson } from './render';
export { keptAttributes, labelsLeft, structuralLabels } from './kept-attributes';
