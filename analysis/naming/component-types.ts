/**
 * Collector component type names. The pinned collector release (docs/adr/0010) spells several
 * types in snake_case and still accepts the old spelling as a deprecated alias; Phoenix emits
 * the snake_case names and reads both. Everything that matches on a component type goes through
 * {@link canonicalComponentType} (or {@link componentTypeOf} for an id), so a config written
 * with either spelling means the same thing everywhere.
 */

/** The sections of a collector config, by the kind of component they hold. */
export type CollectorComponentKind = 'receiver' | 'processor' | 'exporter' | 'connector' | 'extension';

/**
 * Deprecated spellings accepted by the pinned collector, per kind, mapped to the type name it
 * prefers (`internal/metadata/generated_status.go` of each component: `DeprecatedType` → `Type`).
 * Kind matters: `otlp` is the OTLP receiver's own name, but the deprecated name of the gRPC exporter.
 */
export const DEPRECATED_COMPONENT_TYPES: Readonly<Record<CollectorComponentKind, ReadonlyMap<string, string>>> = {
  receiver: new Map(),
  processor: new Map([
    ['metricstransform', 'metrics_transform'],
    ['cumulativetodelta', 'cumulative_to_delta'],
    ['deltatocumulative', 'delta_to_cumulative'],
  ]),
  exporter: new Map([
    ['otlp', 'otlp_grpc'],
    ['otlphttp', 'otlp_http'],
    ['prometheusremotewrite', 'prometheus_remote_write'],
  ]),
  connector: new Map(),
  extension: new Map(),
};

/** The type name the pinned collector prefers for `type` (a deprecated alias maps to it; anything else is returned as is). */
export function canonicalComponentType(kind: CollectorComponentKind, type: string): string {
  return DEPRECATED_COMPONENT_TYPES[kind].get(type) ?? type;
}

/** The canonical type of a component id (`cumulativetodelta/shadow` → `cumulative_to_delta`). */
export function componentTypeOf(kind: CollectorComponentKind, id: string): string {
  const slash = id.indexOf('/');
  return canonicalComponentType(kind, slash < 0 ? id : id.slice(0, slash));
}
