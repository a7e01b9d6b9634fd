import { canonicalComponentType } from '../../../analysis/naming';
import type { ComponentKind } from '../component';
import type { SchemaRepo } from './loader';

/** Where the schema of a component type lives: repository and component folder. */
export interface SchemaLocation {
  readonly repo: SchemaRepo;
  readonly path: string;
}

/**
 * The component types whose config Phoenix validates, per section, by the type name the pinned
 * collector prefers (docs/adr/0010-pinned-collector-version-and-schemas.md). Deprecated
 * spellings (`prometheusremotewrite`, `cumulativetodelta`, …) are looked up through
 * {@link schemaLocationOf}, so both spellings validate the same way.
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
    metrics_transform: { repo: 'contrib', path: '/processor/metricstransformprocessor' },
    groupbyattrs: { repo: 'contrib', path: '/processor/groupbyattrsprocessor' },
    cumulative_to_delta: { repo: 'contrib', path: '/processor/cumulativetodeltaprocessor' },
    delta_to_cumulative: { repo: 'contrib', path: '/processor/deltatocumulativeprocessor' },
  },
  exporter: {
    otlp_grpc: { repo: 'core', path: '/exporter/otlpexporter' },
    otlp_http: { repo: 'core', path: '/exporter/otlphttpexporter' },
    debug: { repo: 'core', path: '/exporter/debugexporter' },
    prometheus_remote_write: { repo: 'contrib', path: '/exporter/prometheusremotewriteexporter' },
    prometheus: { repo: 'contrib', path: '/exporter/prometheusexporter' },
  },
  connector: {
    forward: { repo: 'core', path: '/connector/forwardconnector' },
  },
  extension: {
    health_check: { repo: 'contrib', path: '/extension/healthcheckextension' },
  },
};

/** Where the schema of a component type lives (either spelling), or `undefined` when Phoenix has none. */
export function schemaLocationOf(kind: ComponentKind, type: string): SchemaLocation | undefined {
  const canonical = canonicalComponentType(kind, type);
  return Object.prototype.hasOwnProperty.call(SCHEMA_CATALOG[kind], canonical) ? SCHEMA_CATALOG[kind][canonical] : undefined;
}
