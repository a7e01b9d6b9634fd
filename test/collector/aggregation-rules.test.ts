import { describe, expect, it } from 'vitest';
import { CollectorPipeline, Exporter, Processor, Receiver, effectsOf, type ComponentEffects } from '../../constructs/collector';

/**
 * A reference model of what the processors' declared effects do to cumulative counter
 * samples, enough to show why the aggregation rules exist. One sample per series per scrape.
 */
interface Sample {
  readonly labels: Record<string, string>;
  readonly values: readonly (number | undefined)[];
}

function apply(steps: readonly ComponentEffects[], input: readonly Sample[]): number[] {
  let series = input.map((s) => ({ labels: s.labels, values: [...s.values] }));
  for (const step of steps) {
    if (step.temporality === 'cumulative-to-delta') {
      series = series.map((s) => ({
        labels: s.labels,
        values: s.values.map((v, i) => {
          const prev = s.values
            .slice(0, i)
            .filter((x) => x !== undefined)
            .pop();
          if (v === undefined) return undefined;
          if (prev === undefined) return 0; // first point only sets the baseline
          return v >= prev ? v - prev : v; // a drop is a reset: the new value is the delta
        }),
      }));
    } else if (step.aggregates && step.keptAttributes) {
      const keep = step.keptAttributes;
      const groups = new Map<string, (number | undefined)[]>();
      for (const s of series) {
        const key = JSON.stringify(keep.map((k) => s.labels[k]));
        const acc = groups.get(key) ?? s.values.map(() => undefined);
        groups.set(
          key,
          acc.map((a, i) => (s.values[i] === undefined ? a : (a ?? 0) + s.values[i]!)),
        );
      }
      series = [...groups.values()].map((values) => ({ labels: {}, values }));
    } else if (step.temporality === 'delta-to-cumulative') {
      series = series.map((s) => {
        let total = 0;
        return { labels: s.labels, values: s.values.map((v) => (v === undefined ? undefined : (total += v))) };
      });
    }
  }
  expect(series).toHaveLength(1);
  return series[0].values.map((v) => v ?? NaN);
}

function isMonotonic(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || v >= values[i - 1]);
}

function pipelineWith(processors: Processor[]): CollectorPipeline {
  const pipeline = new CollectorPipeline();
  pipeline.addPipeline('metrics', {
    receivers: [Receiver.prometheus({ jobName: 'checkout', targets: ['a:8080', 'b:8080'], scrapeIntervalSeconds: 30 })],
    processors,
    exporters: [Exporter.prometheusRemoteWrite('http://mimir:9009/api/v1/push')],
  });
  return pipeline;
}

function effectsOfPipeline(pipeline: CollectorPipeline): ComponentEffects[] {
  const config = pipeline.render();
  return (config.service.pipelines.metrics.processors ?? []).map((id) => effectsOf(pipeline.component(id, 'processor')));
}

const keepRoute = () => Processor.keepAttributes({ metrics: ['http.server.requests'], keep: ['http.route'] });

describe('aggregation rules', () => {
  // Two pods serve /checkout; pod b restarts after the third scrape (its counter resets).
  const counterReset: Sample[] = [
    { labels: { 'http.route': '/checkout', 'k8s.pod.name': 'a' }, values: [100, 110, 120, 130, 140] },
    { labels: { 'http.route': '/checkout', 'k8s.pod.name': 'b' }, values: [200, 210, 220, 5, 15] },
  ];

  it('fails when counters are aggregated without delta conversion', () => {
    // GIVEN a counter summed across pods straight from cumulative values
    const pipeline = pipelineWith([keepRoute()]);
    // THEN the rule rejects it, naming the missing processor
    expect(() => pipeline.render()).toThrow(/'transform\/keep-attributes' aggregates counters across series; .* \(cumulative_to_delta is missing\)/);
  });

  it('shows why: a counter reset makes the straight sum drop', () => {
    // GIVEN the sum the rejected pipeline would compute
    const naive = apply([{ aggregates: true, keptAttributes: ['http.route'], stateful: false, opaque: false }], counterReset);
    // THEN it falls from 340 to 135 at the reset, which rate() reads as a reset of the sum
    expect(naive).toEqual([300, 320, 340, 135, 155]);
    expect(isMonotonic(naive)).toBe(false);
  });

  it('keeps the sum monotonic through a reset with cumulative_to_delta → aggregate → delta_to_cumulative', () => {
    // GIVEN the lossless pipeline
    const pipeline = pipelineWith([Processor.cumulativeToDelta({ metrics: ['http.server.requests'] }), keepRoute(), Processor.deltaToCumulative()]);
    // WHEN its effects run over the same samples
    const total = apply(effectsOfPipeline(pipeline), counterReset);
    // THEN the merged counter only grows, by the real increases (10+10, 10+10, 10+5, 10+10)
    expect(total).toEqual([0, 20, 40, 55, 75]);
    expect(isMonotonic(total)).toBe(true);
    expect(pipeline.deploymentRequirements().singleReplica).toBe(true);
  });

  it('keeps the sum monotonic when a pod is replaced mid-stream', () => {
    // GIVEN pod b replaced by pod c: b's series stops, c's starts from zero
    const replaced: Sample[] = [
      { labels: { 'http.route': '/checkout', 'k8s.pod.name': 'a' }, values: [100, 110, 120, 130] },
      { labels: { 'http.route': '/checkout', 'k8s.pod.name': 'b' }, values: [500, 510, undefined, undefined] },
      { labels: { 'http.route': '/checkout', 'k8s.pod.name': 'c' }, values: [undefined, undefined, 3, 13] },
    ];
    const naive = apply([{ aggregates: true, keptAttributes: ['http.route'], stateful: false, opaque: false }], replaced);
    const pipeline = pipelineWith([Processor.cumulativeToDelta({ metrics: ['http.server.requests'] }), keepRoute(), Processor.deltaToCumulative()]);
    const total = apply(effectsOfPipeline(pipeline), replaced);
    // THEN the straight sum loses b's 510 at once, while the delta route only adds increases
    expect(naive).toEqual([600, 620, 123, 143]);
    expect(total).toEqual([0, 20, 30, 50]);
    expect(isMonotonic(total)).toBe(true);
  });

  it('accepts sums declared as read only as absolute values without delta conversion, and still requires it for histograms', () => {
    // GIVEN the counter declared as read only by sum (never rate): its cumulative values merge as they are
    const absolute = (metrics: Parameters<typeof Processor.keepAttributes>[0]['metrics']) =>
      Processor.keepAttributes({ metrics, keep: ['http.route'], absoluteSums: true });
    const pipeline = pipelineWith([absolute([{ name: 'http.server.requests', type: 'sum' }])]);
    expect(() => pipeline.render()).not.toThrow();
    // AND the straight sum is what sum by (route) reads on the originals at every scrape, the reset included
    const sums = apply(effectsOfPipeline(pipeline), counterReset);
    expect(sums).toEqual(counterReset[0]!.values.map((v, i) => v! + counterReset[1]!.values[i]!));
    // BUT a histogram, or an untyped metric, in the same processor still needs the delta conversion
    expect(() =>
      pipelineWith([
        absolute([
          { name: 'http.server.requests', type: 'sum' },
          { name: 'http.server.duration', type: 'histogram' },
        ]),
      ]).render(),
    ).toThrow(/cumulative_to_delta is missing/);
    expect(() => pipelineWith([absolute(['http.server.requests'])]).render()).toThrow(/cumulative_to_delta is missing/);
  });

  it('fails when delta conversion does not cover the aggregated counter', () => {
    const pipeline = pipelineWith([Processor.cumulativeToDelta({ metrics: ['other.counter'] }), keepRoute(), Processor.deltaToCumulative()]);
    expect(() => pipeline.render()).toThrow(/aggregates counters across series; .*\(cumulative_to_delta is missing\)/);
  });

  it('fails when deltas are never turned back into cumulative series', () => {
    const pipeline = pipelineWith([Processor.cumulativeToDelta(), keepRoute()]);
    expect(() => pipeline.render()).toThrow(/\(delta_to_cumulative is missing\)/);
  });

  it('needs no delta conversion to aggregate gauges only, and warns that they merge per batch', () => {
    const pipeline = pipelineWith([Processor.keepAttributes({ metrics: [{ name: 'queue.length', type: 'gauge' }], keep: [], gaugeFunction: 'max' })]);
    expect(pipeline.validate()).toEqual([]);
    expect(pipeline.warnings()).toEqual([
      "pipeline 'metrics': 'transform/keep-attributes' merges gauges with 'max' within each batch only: series of other batches or replicas are not merged",
    ]);
  });

  it('fails when resource attributes are removed without a regroup before aggregating', () => {
    // GIVEN pods identified by a resource attribute, removed so their series can merge
    const pipeline = pipelineWith([
      Processor.keepResourceAttributes({ keep: ['service.name'] }),
      Processor.cumulativeToDelta(),
      keepRoute(),
      Processor.deltaToCumulative(),
    ]);
    // THEN the aggregation cannot see the other resources' series without a groupbyattrs regroup
    expect(() => pipeline.render()).toThrow(
      /'transform\/keep-resource-attributes' removes resource attributes, .* regroup them after it with Processor.groupByAttributes\(\[\]\)/,
    );
  });

  it('accepts aggregation across resources after a groupbyattrs regroup', () => {
    const pipeline = pipelineWith([
      Processor.keepResourceAttributes({ keep: ['service.name'] }),
      Processor.groupByAttributes([]),
      Processor.cumulativeToDelta(),
      keepRoute(),
      Processor.deltaToCumulative(),
    ]);
    expect(pipeline.validate()).toEqual([]);
  });
});
