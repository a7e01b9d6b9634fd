/**
 * The one module that translates OpenTelemetry names and attributes to Prometheus names and
 * labels (and back, where the mapping allows). Everything that relates a collector processor to
 * a PromQL query goes through it. Pure functions; rules follow the collector-contrib
 * `pkg/translator/prometheus` package. See docs/promql.md.
 */
export * from './metric-name';
export * from './attributes';
export { MAIN_UNIT_WORDS, PER_UNIT_WORDS, mainUnitWord, perUnitWord } from './units';
export * from './component-types';
export * from './pipeline-input';
