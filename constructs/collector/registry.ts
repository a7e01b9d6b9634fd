import type { TypedComponent } from './base';
import type { ComponentKind } from './component';
import { Connector } from './connector';
import { PASS_THROUGH, type ComponentEffects } from './effects';
import { Exporter } from './exporter';
import { Extension } from './extension';
import { Processor } from './processor';
import { analyseFilter, analyseTransform, type StatementGroup } from './processor-transform';
import { Receiver } from './receiver';

/**
 * The component registry: one entry per collector component type Phoenix models, and the one
 * place that says what each layer does with it. Adding a type starts here (docs/collector.md,
 * "Adding a component"); `test/collector/registry.test.ts` checks every entry is complete in
 * every layer, and that no layer knows a type the registry does not:
 * - `factories`: the typed factories that emit it (`Processor.filterMetrics`, …) and an example;
 * - `schema`: its JSON schema is in `schemas/catalog.ts` (`true`), or why it has none;
 * - `effects`: what an imported config of this type does to series (`CollectorPipeline.fromYaml`);
 * - `simulation`: how `analysis/simulate` treats a processor (`modelled`, `pass-through`), or
 *   `not-a-step` for the other kinds (exporters shape the output through `exportSettingsOf`);
 * - `policy`: how the guardrail policies read a processor (`modelled`: they derive its changes;
 *   `neutral`: it never changes names, attributes or the set of metrics), or `not-a-step`.
 */
export interface ComponentEntry {
  readonly kind: ComponentKind;
  /** The canonical type (the v0.161.0 spelling). */
  readonly type: string;
  readonly factories: readonly string[];
  /** One component built by the first factory. */
  readonly example: () => TypedComponent;
  readonly schema: true | { readonly none: string };
  /** Effects of an imported config of this type; problems go to `warnings`. */
  readonly effects: (raw: Record<string, unknown>, where: string, warnings: string[]) => ComponentEffects;
  readonly simulation: 'modelled' | 'pass-through' | 'not-a-step';
  readonly policy: 'modelled' | 'neutral' | 'not-a-step';
}

const passThrough = (): ComponentEffects => PASS_THROUGH;

function transformEffectsOf(raw: Record<string, unknown>, where: string, warnings: string[]): ComponentEffects {
  const groups = Array.isArray(raw.metric_statements) ? (raw.metric_statements as StatementGroup[]) : [];
  const { effects, problems } = analyseTransform(
    groups.filter((g) => isRecord(g) && typeof g.context === 'string'),
    where,
  );
  for (const p of problems) warnings.push(`${p} (kept verbatim)`);
  if (!Array.isArray(raw.metric_statements) && raw.metric_statements !== undefined) {
    warnings.push(`${where}: metric_statements in a form Phoenix does not read; kept verbatim, its effect on series is unknown`);
  }
  return effects;
}

function metricsTransformEffectsOf(raw: Record<string, unknown>): ComponentEffects {
  const aggregates = /aggregate_labels|aggregate_label_values|"aggregation_type"/.test(JSON.stringify(raw));
  return { aggregates, stateful: false, opaque: true, aggregation: aggregates ? { sums: 'sum', histograms: 'sum', mayTouchCounters: true } : undefined };
}

function cumulativeToDeltaEffectsOf(raw: Record<string, unknown>): ComponentEffects {
  const include =
    isRecord(raw.include) && Array.isArray(raw.include.metrics) && raw.include.match_type === 'strict' ? raw.include.metrics.map(String) : undefined;
  return { aggregates: false, stateful: true, opaque: false, temporality: 'cumulative-to-delta', metrics: include };
}

const receiver = (type: string, factories: string[], example: () => TypedComponent): ComponentEntry => ({
  kind: 'receiver',
  type,
  factories,
  example,
  schema: true,
  effects: passThrough,
  simulation: 'not-a-step',
  policy: 'not-a-step',
});
const exporter = (type: string, factories: string[], example: () => TypedComponent): ComponentEntry => ({
  kind: 'exporter',
  type,
  factories,
  example,
  schema: true,
  effects: passThrough,
  simulation: 'not-a-step',
  policy: 'not-a-step',
});

/** Every component type Phoenix models. */
export const COMPONENT_REGISTRY: readonly ComponentEntry[] = [
  receiver('otlp', ['otlp'], () => Receiver.otlp()),
  receiver('prometheus', ['prometheus'], () => Receiver.prometheus({ jobName: 'app', targets: ['app:8080'], scrapeIntervalSeconds: 30 })),
  {
    kind: 'processor',
    type: 'memory_limiter',
    factories: ['memoryLimiter'],
    example: () => Processor.memoryLimiter(),
    schema: true,
    effects: passThrough,
    simulation: 'pass-through',
    policy: 'neutral',
  },
  {
    kind: 'processor',
    type: 'batch',
    factories: ['batch'],
    example: () => Processor.batch(),
    schema: true,
    effects: passThrough,
    simulation: 'pass-through',
    policy: 'neutral',
  },
  {
    kind: 'processor',
    type: 'filter',
    factories: ['filterMetrics'],
    example: () => Processor.filterMetrics({ dropNames: ['go_gc_duration_seconds'] }),
    schema: true,
    effects: (raw) => analyseFilter(raw),
    simulation: 'modelled',
    policy: 'modelled',
  },
  {
    kind: 'processor',
    type: 'transform',
    factories: ['keepAttributes', 'dropAttribute', 'keepResourceAttributes', 'transform'],
    example: () => Processor.keepAttributes({ metrics: ['http.server.request.duration'], keep: ['http.route'] }),
    schema: true,
    effects: transformEffectsOf,
    simulation: 'modelled',
    policy: 'modelled',
  },
  {
    kind: 'processor',
    type: 'metrics_transform',
    factories: [],
    example: () => Processor.verbatim('metrics_transform', undefined, { transforms: [] }, metricsTransformEffectsOf({})),
    schema: true,
    effects: metricsTransformEffectsOf,
    simulation: 'modelled',
    policy: 'modelled',
  },
  {
    kind: 'processor',
    type: 'groupbyattrs',
    factories: ['groupByAttributes'],
    example: () => Processor.groupByAttributes(['service.name']),
    schema: true,
    effects: (raw) => ({ aggregates: false, stateful: false, opaque: false, regroupsBy: Array.isArray(raw.keys) ? raw.keys.map(String) : [] }),
    simulation: 'modelled',
    policy: 'neutral',
  },
  {
    kind: 'processor',
    type: 'cumulative_to_delta',
    factories: ['cumulativeToDelta'],
    example: () => Processor.cumulativeToDelta(),
    schema: true,
    effects: cumulativeToDeltaEffectsOf,
    simulation: 'modelled',
    policy: 'neutral',
  },
  {
    kind: 'processor',
    type: 'delta_to_cumulative',
    factories: ['deltaToCumulative'],
    example: () => Processor.deltaToCumulative(),
    schema: true,
    effects: () => ({ aggregates: false, stateful: true, opaque: false, temporality: 'delta-to-cumulative' }),
    simulation: 'modelled',
    policy: 'neutral',
  },
  exporter('prometheus_remote_write', ['prometheusRemoteWrite'], () => Exporter.prometheusRemoteWrite('http://mimir:8080/api/v1/push')),
  exporter('otlp_grpc', ['otlp'], () => Exporter.otlp('collector:4317')),
  exporter('otlp_http', ['otlpHttp'], () => Exporter.otlpHttp('http://collector:4318')),
  exporter('prometheus', ['prometheus'], () => Exporter.prometheus()),
  exporter('debug', ['debug'], () => Exporter.debug()),
  {
    kind: 'connector',
    type: 'forward',
    factories: ['forward'],
    example: () => Connector.forward(),
    schema: true,
    effects: passThrough,
    simulation: 'not-a-step',
    policy: 'not-a-step',
  },
  {
    kind: 'connector',
    type: 'routing',
    factories: ['routing'],
    example: () => Connector.routing({ table: [{ condition: 'name == "up"', pipelines: ['metrics/up'] }] }),
    schema: { none: 'the routing connector ships no config.schema.yaml in v0.161.0; its OTTL conditions are parsed instead' },
    effects: passThrough,
    simulation: 'not-a-step',
    policy: 'not-a-step',
  },
  {
    kind: 'extension',
    type: 'health_check',
    factories: ['healthCheck'],
    example: () => Extension.healthCheck(),
    schema: true,
    effects: passThrough,
    simulation: 'not-a-step',
    policy: 'not-a-step',
  },
];

const byKindAndType = new Map(COMPONENT_REGISTRY.map((e) => [`${e.kind}/${e.type}`, e]));

/** The entry of a canonical component type, or `undefined` when Phoenix does not model it. */
export function componentEntry(kind: ComponentKind, type: string): ComponentEntry | undefined {
  return byKindAndType.get(`${kind}/${type}`);
}

/** The modelled types of each kind, from the registry. */
export const KNOWN_TYPES: Readonly<Record<ComponentKind, readonly string[]>> = {
  receiver: typesOf('receiver'),
  processor: typesOf('processor'),
  exporter: typesOf('exporter'),
  connector: typesOf('connector'),
  extension: typesOf('extension'),
};

function typesOf(kind: ComponentKind): string[] {
  return COMPONENT_REGISTRY.filter((e) => e.kind === kind).map((e) => e.type);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
