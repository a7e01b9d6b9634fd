import { describe, expect, it } from 'vitest';
import { canonicalComponentType, componentTypeOf } from '../../analysis/naming';
import { simulatePipeline, type RenderedCollectorConfig } from '../../analysis/simulate';
import type { Series } from '../../analysis/series/model';
import { CollectorPipeline, Exporter, Processor, Receiver, validateCollectorConfig } from '../../constructs/collector';
import { processorChanges } from '../../policies/packs/guardrails/processor-changes';
import { attributeOperations } from '../../policies/packs/collector/attribute-operations';

// The pinned collector prefers snake_case type names and still loads the old spellings
// (docs/adr/0010). Phoenix emits the new names; every consumer reads both the same way.

const OLD_TO_NEW: ReadonlyArray<[string, string]> = [
  ['cumulativetodelta', 'cumulative_to_delta'],
  ['deltatocumulative', 'delta_to_cumulative'],
  ['metricstransform', 'metrics_transform'],
  ['prometheusremotewrite', 'prometheus_remote_write'],
];

/** A production-like config that merges counters across a reset-safe delta section, in one spelling. */
function config(spelling: 'old' | 'new'): RenderedCollectorConfig {
  const t = (type: string) => (spelling === 'old' ? type : OLD_TO_NEW.find(([old]) => old === type)![1]);
  return {
    receivers: { otlp: { protocols: { grpc: {} } } },
    processors: {
      [`${t('cumulativetodelta')}/x`]: { include: { metrics: ['http.requests'], match_type: 'strict' } },
      [`${t('metricstransform')}/x`]: {
        transforms: [
          { include: 'http.requests', action: 'update', operations: [{ action: 'aggregate_labels', label_set: ['http.route'], aggregation_type: 'sum' }] },
        ],
      },
      [`${t('deltatocumulative')}/x`]: { max_stale: '5m' },
    },
    exporters: { [`${t('prometheusremotewrite')}/x`]: { endpoint: 'http://mimir/api/v1/push', external_labels: { variant: 'x' } } },
    service: {
      pipelines: {
        metrics: {
          receivers: ['otlp'],
          processors: [`${t('cumulativetodelta')}/x`, `${t('metricstransform')}/x`, `${t('deltatocumulative')}/x`],
          exporters: [`${t('prometheusremotewrite')}/x`],
        },
      },
    },
  } as unknown as RenderedCollectorConfig;
}

const input: Series[] = ['a', 'b'].flatMap((user) =>
  ['/users', '/orders'].map((route): Series => ({
    name: 'http_requests_total',
    labels: { job: 'api', instance: 'a:80', http_route: route, user_id: user },
    type: 'counter',
  })),
);

describe('component type spellings', () => {
  it('maps each deprecated spelling to the type the pinned collector prefers, by kind', () => {
    for (const [old, canonical] of OLD_TO_NEW.slice(0, 3)) expect(canonicalComponentType('processor', old)).toBe(canonical);
    expect(canonicalComponentType('exporter', 'prometheusremotewrite')).toBe('prometheus_remote_write');
    expect(canonicalComponentType('exporter', 'otlp')).toBe('otlp_grpc');
    expect(canonicalComponentType('exporter', 'otlphttp')).toBe('otlp_http');
    // THEN the OTLP receiver keeps its own name, and unknown types pass through
    expect(canonicalComponentType('receiver', 'otlp')).toBe('otlp');
    expect(componentTypeOf('processor', 'k8sattributes/a')).toBe('k8sattributes');
  });

  it('emits the snake_case names from the factories', () => {
    expect(Processor.cumulativeToDelta().type).toBe('cumulative_to_delta');
    expect(Processor.deltaToCumulative().type).toBe('delta_to_cumulative');
    expect(Exporter.prometheusRemoteWrite('http://a/push').type).toBe('prometheus_remote_write');
    expect(Exporter.otlp('a:4317').type).toBe('otlp_grpc');
    expect(Exporter.otlpHttp('http://a').type).toBe('otlp_http');
    expect(Receiver.otlp().type).toBe('otlp');
  });

  it('simulates both spellings to the same series and values', () => {
    const oldResult = simulatePipeline(config('old'), 'metrics', input);
    const newResult = simulatePipeline(config('new'), 'metrics', input);
    // THEN the aggregation ran (4 series → 2) and the exporter's external label applied, in both
    expect(newResult.output).toHaveLength(2);
    expect(newResult.output.every((s) => s.labels.variant === 'x')).toBe(true);
    expect(newResult.output).toEqual(oldResult.output);
    expect(newResult.droppedAtExport).toBe(oldResult.droppedAtExport);
    expect(newResult.notes.filter((n) => /not modelled/.test(n.message))).toEqual([]);
  });

  it('validates both spellings against the same schema', () => {
    expect(validateCollectorConfig(config('old') as never)).toEqual([]);
    expect(validateCollectorConfig(config('new') as never)).toEqual([]);
    const wrong = { ...config('new'), processors: { 'delta_to_cumulative/x': { max_stale: 'soon' } } };
    expect(validateCollectorConfig(wrong as never).map((p) => p.message)).toEqual([
      'processors.delta_to_cumulative/x.max_stale: must be a Go duration such as 5s, 1m30s or 250ms (got "soon")',
    ]);
  });

  it('reads both spellings the same in the policies and the import', () => {
    const warnings: string[][] = [];
    for (const spelling of ['old', 'new'] as const) {
      const c = config(spelling) as unknown as Record<string, unknown>;
      const transformId = spelling === 'old' ? 'metricstransform/x' : 'metrics_transform/x';
      expect(attributeOperations(c, transformId).aggregates).toBe(true);
      expect(processorChanges(transformId, transformId.split('/')[0]!, (c.processors as Record<string, Record<string, unknown>>)[transformId]!)[0]!.kind).toBe(
        'keep-attributes',
      );
      const pipeline = CollectorPipeline.fromConfig(c, `${spelling}.yaml`);
      expect(pipeline.warnings().filter((w) => /not modelled/.test(w))).toEqual([]);
      expect(pipeline.deploymentRequirements().singleReplica).toBe(true);
      warnings.push(pipeline.warnings().map((w) => w.replace(transformId, '<id>')));
    }
    // THEN the pipeline rules say the same about both (the aggregation's metrics are not covered by the delta conversion)
    expect(warnings[0]).toEqual(warnings[1]);
    expect(warnings[0]!.some((w) => /cumulative_to_delta is missing/.test(w))).toBe(true);
  });
});
