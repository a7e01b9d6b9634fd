import type { ComponentKind } from '../component';
import type { SchemaRepo } from './loader';

/** Where the schema of a component type lives: repository and component folder. */
export interface SchemaLocation {
  readonly repo: SchemaRepo;
  readonly path: string;
}

/**
 * The component types whose config Phoenix validates, per section, with the deprecated
 * aliases the pinned collector still accepts (it renamed several types to snake_case and
 * logs a warning for the old spelling). Phoenix emits the long-standing spellings (see
 * docs/adr/0010-pinned-collector-version-and-schemas.md); both validate the same way.
 */
export const SCHEMA_CATALOG: Readonly<Record<ComponentKind, Readonly<Record<string, SchemaLocation>>>> = {
  receiver: {
    otlp: { repo: 'core', path: '/receiver/otlpreceiver' },
    prometheus: { repo: 'contrib', path: '/receiver/prometheusreceiver' },
  },
  processor: {
    memory_limiter: { repo: 'core', path: '/processor/memorylimiterprocessor' },
    batch: { repo: 'core', path: '/processor/batchprocessor' },
    filter: { repo: 'contrib', path: '/processor/filterprocessor' },
    transform: { repo: 'contrib', path: '/processor/transformprocessor' },
    metricstransform: { repo: 'contrib', path: '/processor/metricstransformprocessor' },
    groupbyattrs: { repo: 'contrib', path: '/processor/groupbyattrsprocessor' },
    cumulativetodelta: { repo: 'contrib', path: '/processor/cumulativetodeltaprocessor' },
    cumulative_to_delta: { repo: 'contrib', path: '/processor/cumulativetodeltaprocessor' },
    deltatocumulative: { repo: 'contrib', path: '/processor/deltatocumulativeprocessor' },
    delta_to_cumulative: { repo: 'contrib', path: '/processor/deltatocumulativeprocessor' },
  },
  exporter: {
    otlp: { repo: 'core', path: '/exporter/otlpexporter' },
    otlp_grpc: { repo: 'core', path: '/exporter/otlpexporter' },
    otlphttp: { repo: 'core', path: '/exporter/otlphttpexporter' },
    otlp_http: { repo: 'core', path: '/exporter/otlphttpexporter' },
    debug: { repo: 'core', path: '/exporter/debugexporter' },
    prometheusremotewrite: { repo: 'contrib', path: '/exporter/prometheusremotewriteexporter' },
    prometheus_remote_write: { repo: 'contrib', path: '/exporter/prometheusremotewriteexporter' },
    prometheus: { repo: 'contrib', path: '/exporter/prometheusexporter' },
  },
  connector: {
    forward: { repo: 'core', path: '/connector/forwardconnector' },
    routing: { repo: 'contrib', path: '/connector/routingconnector' },
  },
  extension: {
    health_check: { repo: 'contrib', path: '/extension/healthcheckextension' },
  },
};

/** Deprecated spellings accepted by the pinned collector, mapped to its canonical type names. */
export const DEPRECATED_TYPE_ALIASES: Readonly<Record<string, string>> = {
  otlp: 'otlp_grpc',
  otlphttp: 'otlp_http',
  prometheusremotewrite: 'prometheus_remote_write',
  cumulativetodelta: 'cumulative_to_delta',
  deltatocumulative: 'delta_to_cumulative',
};

/**
 * The type Phoenix uses for a component type: canonical snake_case names map back to the
 * spelling Phoenix emits (`prometheus_remote_write` → `prometheusremotewrite`), so code that
 * matches on types handles configs written either way. The `otlp` receiver keeps its name.
 */
export function phoenixComponentType(type: string): string {
  for (const [old, canonical] of Object.entries(DEPRECATED_TYPE_ALIASES)) if (canonical === type) return old;
  return type;
}
