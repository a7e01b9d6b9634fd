import { describe, expect, it } from 'vitest';
import { MODELLED_PROCESSORS } from '../../analysis/simulate/simulate';
import {
  COMPONENT_REGISTRY,
  CollectorPipeline,
  Connector,
  Exporter,
  Extension,
  KNOWN_TYPES,
  Processor,
  Receiver,
  SCHEMA_CATALOG,
  canonicalComponentType,
  schemaLocationOf,
  validateCollectorConfig,
  type ComponentEntry,
} from '../../constructs/collector';
import { processorChanges } from '../../policies/packs/guardrails/processor-changes';

const CLASSES = { receiver: Receiver, processor: Processor, exporter: Exporter, connector: Connector, extension: Extension } as const;
const KINDS = Object.keys(CLASSES) as (keyof typeof CLASSES)[];
const label = (e: ComponentEntry) => `${e.kind} ${e.type}`;

/** Types the guardrail policies read in imported configs without Phoenix modelling them (no factory, no simulation). */
const POLICY_ONLY_PROCESSORS = ['attributes', 'resource', 'k8sattributes', 'resourcedetection', 'probabilistic_sampler'];

function policyModels(type: string): boolean {
  const changes = processorChanges(`${type}/x`, type, {});
  return !changes.some((c) => c.kind === 'opaque' && c.what.includes('is not modelled'));
}

describe('component registry', () => {
  it('has one entry per kind and canonical type', () => {
    const keys = COMPONENT_REGISTRY.map(label);
    expect(new Set(keys).size).toBe(keys.length);
    for (const entry of COMPONENT_REGISTRY) expect(canonicalComponentType(entry.kind, entry.type), label(entry)).toBe(entry.type);
    for (const kind of KINDS) expect(KNOWN_TYPES[kind]).toEqual(COMPONENT_REGISTRY.filter((e) => e.kind === kind).map((e) => e.type));
  });

  it.each(COMPONENT_REGISTRY.map((e) => [label(e), e] as const))('is complete in every layer: %s', (_, entry) => {
    // factory: each named factory exists, and the example is of this kind and type
    for (const name of entry.factories)
      expect(typeof (CLASSES[entry.kind] as unknown as Record<string, unknown>)[name], `${entry.kind} factory ${name}`).toBe('function');
    const example = entry.example();
    expect([example.kind, canonicalComponentType(example.kind, example.type)]).toEqual([entry.kind, entry.type]);
    // schema: in the catalog, or a reason why not
    if (entry.schema === true) expect(schemaLocationOf(entry.kind, entry.type), 'schema').toBeDefined();
    else expect(entry.schema.none.length).toBeGreaterThan(20);
    // effects: an imported config of this type is read through the entry, never as "not modelled"
    const warnings: string[] = [];
    expect(entry.effects(example.render() as Record<string, unknown>, 'x', warnings)).toBeDefined();
    expect(warnings).toEqual([]);
    // simulation and policies
    if (entry.kind === 'processor') {
      expect(entry.simulation, 'simulation').not.toBe('not-a-step');
      expect(MODELLED_PROCESSORS.has(entry.type), 'simulated').toBe(true);
      expect(entry.policy, 'policy').not.toBe('not-a-step');
      expect(policyModels(entry.type), 'read by the policies').toBe(true);
      if (entry.policy === 'neutral') expect(processorChanges(`${entry.type}/x`, entry.type, example.render() as Record<string, unknown>)).toEqual([]);
    } else {
      expect([entry.simulation, entry.policy]).toEqual(['not-a-step', 'not-a-step']);
    }
  });

  it('renders every example into a config the collector schemas accept', () => {
    const pipeline = new CollectorPipeline();
    const examples = COMPONENT_REGISTRY.map((e) => e.example());
    expect(examples.filter((c) => c.kind === 'processor')).toHaveLength(8);
    const routing = examples.find((c) => c.kind === 'connector' && c.type === 'routing') as Connector;
    const forward = examples.find((c) => c.kind === 'connector' && c.type === 'forward') as Connector;
    pipeline.addPipeline('metrics', {
      receivers: examples.filter((c) => c.kind === 'receiver') as Receiver[],
      // in an order the pipeline rules accept: memory_limiter first, aggregation between the temporality conversions, batch last
      processors: ['memory_limiter', 'filter', 'groupbyattrs', 'metrics_transform', 'cumulative_to_delta', 'transform', 'delta_to_cumulative', 'batch'].map(
        (type) => examples.find((c) => c.kind === 'processor' && canonicalComponentType('processor', c.type) === type) as Processor,
      ),
      exporters: [...(examples.filter((c) => c.kind === 'exporter') as Exporter[]), routing, forward],
    });
    pipeline.addPipeline('metrics/up', { receivers: [routing], exporters: [Exporter.debug()] });
    pipeline.addPipeline('metrics/forwarded', { receivers: [forward], exporters: [Exporter.debug()] });
    for (const extension of examples.filter((c) => c.kind === 'extension') as Extension[]) pipeline.addExtension(extension);
    // THEN the only problems are the "no schema" warnings of the entries that declare none
    const problems = validateCollectorConfig(pipeline.render());
    const schemaless = COMPONENT_REGISTRY.filter((e) => e.schema !== true).map((e) => e.type);
    expect(problems.map((p) => [p.severity, p.componentId])).toEqual(schemaless.map((type) => ['warning', type]));
  });

  it('no layer knows a component type the registry does not', () => {
    const registered = new Set(COMPONENT_REGISTRY.map(label));
    for (const kind of KINDS) {
      for (const type of Object.keys(SCHEMA_CATALOG[kind])) expect(registered.has(`${kind} ${type}`), `schema of ${kind} ${type}`).toBe(true);
      const factories = Object.getOwnPropertyNames(CLASSES[kind]).filter(
        (n) => typeof (CLASSES[kind] as unknown as Record<string, unknown>)[n] === 'function' && n !== 'verbatim',
      );
      const listed = COMPONENT_REGISTRY.filter((e) => e.kind === kind).flatMap((e) => e.factories);
      expect([...factories].sort(), `${kind} factories`).toEqual([...listed].sort());
    }
    for (const type of MODELLED_PROCESSORS.keys()) expect(registered.has(`processor ${type}`), `simulated processor ${type}`).toBe(true);
    const policyOnly = [...POLICY_ONLY_PROCESSORS, 'made_up'].filter((t) => policyModels(t));
    expect(policyOnly).toEqual(POLICY_ONLY_PROCESSORS);
  });
});
