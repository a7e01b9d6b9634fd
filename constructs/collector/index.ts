export * from './component';
export * from './config';
export * from './effects';
export * from './errors';
export { TypedComponent, goDuration, parseComponentId, type ComponentNameProps } from './base';
export * from './receiver';
export * from './processor';
export {
  type DropAttributeProps,
  type FilterMetricsProps,
  type KeepAttributesProps,
  type KeepResourceAttributesProps,
  type MetricSelector,
  type MetricType,
  type OttlErrorMode,
} from './processor-metrics';
export * from './exporter';
export * from './connector';
export * from './extension';
export * from './pipeline';
export { effectsOf, type PipelineSpec } from './pipeline-rules';
export { KNOWN_TYPES, COMPONENT_REGISTRY, componentEntry, type ComponentEntry } from './registry';
export {
  parseOttlCondition,
  parseOttlStatement,
  printOttlCondition,
  printOttlStatement,
  OttlSyntaxError,
  ottlString,
  ottlStringList,
  type OttlArgument,
  type OttlCondition,
  type OttlStatement,
  type OttlValue,
} from '../../analysis/ottl';
export { collectOttl, type OttlText } from './collect-ottl';
export { validateCollectorConfig, isGoDuration, type SchemaProblem } from './schemas/validate';
export { SCHEMA_CATALOG, schemaLocationOf } from './schemas/catalog';
export { DEPRECATED_COMPONENT_TYPES, canonicalComponentType, componentTypeOf } from '../../analysis/naming';
export { COLLECTOR_RELEASE, COLLECTOR_CORE_STABLE_RELEASE, COLLECTOR_CONTRIB_IMAGE } from './release';
