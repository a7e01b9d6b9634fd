export * from './definition';
export * from './experiment';
export { ExperimentError } from './experiment-checks';
export * from './guardrails';
export { queriesFromDashboard, queriesFromRuleFile, type SourcedQuery } from './guardrail-sources';
export * from './manifest';
export { migrateExperimentState, StateMigrationError } from './migrate-state';
export * from './promotion';
export { findPromqlSyntaxError, type PromqlSyntaxError } from './promql-syntax';
export { describeScope, normaliseScope, scopeMatches, type MetricScope, type ScopeMatcher } from './scope';
export {
  BASELINE_VARIANT,
  EXPERIMENT_LABEL,
  VARIANT_LABEL,
  renderPromotedConfig,
  renderShadowConfig,
  shadowPipelineIds,
  withoutShadow,
  type ShadowEndpoint,
  type ShadowInput,
  type ShadowPipelineIds,
  type VariantProcessors,
} from './shadow';
export * from './state';
export { CURRENT_STATE_VERSION, experimentStateSchema } from './state-schema';
export * from './summary';
