import { describe, expect, it } from 'vitest';
import { GRAFANA_CLOUD_PRO } from '../../analysis/cost';
import { analyzeQueries, DELTA_RESET_CAVEAT, inlineQuery } from '../../analysis/promql';
import { ABSOLUTE_SUM_CAVEAT, recommendReductions, renderExperimentSource, type RecommendInput } from '../../analysis/recommend';
import type { FamilyMetadata, MetricType, Series } from '../../analysis/series';

const families = new Map<string, FamilyMetadata>([
  ['jobs_total', { type: 'counter' }],
  ['queue_depth', { type: 'gauge' }],
  ['latency_seconds', { type: 'histogram' }],
  ['rpc_seconds', { type: 'summary' }],
]);

function series(name: string, type: MetricType, dims: Record<string, readonly string[]>): Series[] {
  let out: Array<Record<string, string>> = [{ job: 'worker', instance: 'w-0' }];
  for (const [label, values] of Object.entries(dims)) out = out.flatMap((l) => values.map((v) => ({ ...l, [label]: v })));
  return out.map((labels) => ({ name, labels, type }));
}

const SERIES = [
  ...series('jobs_total', 'counter', { queue: ['a', 'b'], user: ['u1', 'u2', 'u3', 'u4'], pod: ['p1', 'p2'] }),
  ...series('queue_depth', 'gauge', { queue: ['a', 'b'], shard: ['0', '1', '2', '3'] }),
  ...['0.1', '1', '+Inf'].flatMap((le) => series('latency_seconds_bucket', 'histogram', { le: [le], route: ['/a', '/b'], user: ['u1', 'u2', 'u3'] })),
  ...series('latency_seconds_count', 'histogram', { route: ['/a', '/b'], user: ['u1', 'u2', 'u3'] }),
  ...series('rpc_seconds', 'summary', { quantile: ['0.5', '0.9'], user: ['u1', 'u2'] }),
];

function recommend(exprs: readonly string[], options: Partial<RecommendInput> = {}) {
  const { analyzed } = analyzeQueries(exprs.map((e, i) => inlineQuery(e, { file: 'q.yaml', line: i + 1, column: 1, name: `q${i}` })));
  const report = recommendReductions({ series: SERIES, families, queries: analyzed, priceModel: GRAFANA_CLOUD_PRO, ...options });
  return { report, byMetric: new Map(report.metrics.map((m) => [m.metric, m])) };
}

describe('recommendReductions', () => {
  it('keeps the labels queries read and sums the rest of a counter read through rate, as deltas', () => {
    // GIVEN a counter summed by queue under rate WHEN recommending
    const { byMetric } = recommend(['sum by (queue) (rate(jobs_total[5m]))']);
    // THEN user and pod merge with sum between delta conversions: 2 series per queue... one per queue
    expect(byMetric.get('jobs_total')).toMatchObject({
      action: 'aggregate',
      recommended: true,
      function: 'sum',
      deltaConversion: true,
      remove: ['pod', 'user'],
      seriesBefore: 16,
      seriesAfter: 2,
    });
    expect(byMetric.get('jobs_total')!.caveats.join()).toMatch(/first sample/);
    // a reset is not "exact": the caveat states what it costs
    expect(byMetric.get('jobs_total')!.caveats).toContain(DELTA_RESET_CAVEAT);
    expect(byMetric.get('jobs_total')!.caveats.join()).not.toMatch(/stay exact/);
  });

  it('merges a gauge with max under max, and leaves it untouched when another query sums it', () => {
    expect(recommend(['max by (queue) (queue_depth)']).byMetric.get('queue_depth')).toMatchObject({ function: 'max', seriesAfter: 2, deltaConversion: false });
    const mixed = recommend(['max by (queue) (queue_depth)', 'sum by (queue) (queue_depth)']).byMetric.get('queue_depth')!;
    expect(mixed).toMatchObject({ recommended: false, seriesAfter: 8 });
    expect(mixed.reason).toMatch(/no merge function keeps every answer/);
  });

  it('never touches a metric read raw, nor a counter read both through rate and without it', () => {
    const raw = recommend(['queue_depth > 10']).byMetric.get('queue_depth')!;
    expect(raw).toMatchObject({ recommended: false, action: 'keep' });
    expect(raw.reason).toMatch(/read with every label at q\.yaml:1:1/);
    const mixed = recommend(['sum by (queue) (jobs_total)', 'sum by (queue) (rate(jobs_total[5m]))']).byMetric.get('jobs_total')!;
    expect(mixed.recommended).toBe(false);
    expect(mixed.reason).toMatch(/without rate\/increase\/irate/);
    // resets()/changes() of a sum are not the sum of the parts: not an absolute read
    expect(recommend(['sum by (queue) (resets(jobs_total[5m]))']).byMetric.get('jobs_total')!.recommended).toBe(false);
  });

  it('merges a counter every query reads as an absolute value as cumulative values, without delta conversion (ADR 0138)', () => {
    const { report, byMetric } = recommend(['sum by (queue) (jobs_total) > 100']);
    expect(byMetric.get('jobs_total')).toMatchObject({
      recommended: true,
      action: 'aggregate',
      function: 'sum',
      deltaConversion: false,
      remove: ['pod', 'user'],
      seriesAfter: 2,
    });
    expect(byMetric.get('jobs_total')!.caveats).toContain(ABSOLUTE_SUM_CAVEAT);
    expect(byMetric.get('jobs_total')!.caveats.join()).not.toMatch(/first sample|merged as deltas/);
    // a reader whose answer a sum does not keep still stops it
    expect(recommend(['max by (queue) (jobs_total)']).byMetric.get('jobs_total')!.recommended).toBe(false);
    // written as a keepAttributes with absoluteSums, outside the delta conversion
    const source = renderExperimentSource({
      name: 'x',
      metrics: report.metrics,
      baseDirectory: '..',
      ruleFiles: ['rules/a.yaml'],
      dashboards: [],
      inlineQueries: [],
      minSavingsPercent: 10,
      provenance: 'test',
    });
    expect(source).not.toContain('cumulativeToDelta');
    expect(source).toMatch(/\{ name: "jobs_total", type: 'sum' \}[\s\S]*absoluteSums: true/);
    expect(source).not.toContain('alignDeltaStarts');
  });

  it('treats a histogram as one metric: the union of what its bucket and count queries read', () => {
    const { byMetric } = recommend([
      'histogram_quantile(0.9, sum by (le) (rate(latency_seconds_bucket[5m])))',
      'sum by (route) (rate(latency_seconds_count[5m]))',
    ]);
    expect(byMetric.get('latency_seconds')).toMatchObject({ keep: ['instance', 'job', 'le', 'route'], remove: ['user'], seriesBefore: 24, seriesAfter: 8 });
  });

  it('leaves summaries and unread metrics alone unless asked to drop the unused', () => {
    const { byMetric } = recommend(['max by (user) (rpc_seconds)']);
    expect(byMetric.get('rpc_seconds')!.reason).toMatch(/summary/);
    expect(byMetric.get('queue_depth')).toMatchObject({ recommended: false, reason: expect.stringMatching(/--drop-unused/) });
    const dropped = recommend([], { dropUnused: true }).byMetric.get('queue_depth')!;
    expect(dropped).toMatchObject({ action: 'drop', recommended: true, seriesAfter: 0 });
    expect(dropped.saving.amount.toFixed()).toBe('0.052');
  });

  it('protects every metric a selector without a metric name may read', () => {
    const { byMetric } = recommend(['sum by (queue) (rate(jobs_total[5m]))', 'count({__name__=~"jobs_.*"})']);
    expect(byMetric.get('jobs_total')!.reason).toMatch(/a selector without a metric name at q\.yaml:2:1/);
    expect(byMetric.get('queue_depth')!.reason).not.toMatch(/selector without a metric name/);
  });

  it('protects metrics named in text that could not be analysed', () => {
    const { byMetric } = recommend(['sum by (queue) (rate(jobs_total[5m]))'], {
      unreadable: [{ where: 'broken.yaml:3:9', text: 'sum by (queue (jobs_total' }],
    });
    expect(byMetric.get('jobs_total')).toMatchObject({ recommended: false, reason: 'named in broken.yaml:3:9, which could not be analysed' });
  });

  it('lists a change below the minimum saving without recommending it', () => {
    const { byMetric } = recommend(['sum by (queue, user) (rate(jobs_total[5m]))'], { minSavingsPercent: 60 });
    expect(byMetric.get('jobs_total')).toMatchObject({
      recommended: false,
      seriesAfter: 16,
      reason: expect.stringMatching(/saves 50\.0%, below the minimum of 60%/),
    });
  });

  it('ranks by series saved and totals exact money', () => {
    const { report } = recommend(['sum by (queue) (rate(jobs_total[5m]))', 'max by (queue) (queue_depth)']);
    expect(report.metrics.map((m) => m.metric).slice(0, 2)).toEqual(['jobs_total', 'queue_depth']);
    expect(report).toMatchObject({ seriesBefore: 52, seriesAfter: 52 - 14 - 6 });
    expect(report.saving.amount.toFixed()).toBe('0.13');
  });
});

describe('renderExperimentSource', () => {
  it('writes delta conversion around the counter and histogram aggregation and one keepAttributes per kind', () => {
    const { report } = recommend(['sum by (queue) (rate(jobs_total[5m]))', 'max by (queue) (queue_depth)', 'sum by (le) (rate(latency_seconds_bucket[5m]))']);
    const source = renderExperimentSource({
      name: 'x',
      metrics: report.metrics,
      baseDirectory: '..',
      ruleFiles: ['rules/a.yaml'],
      dashboards: [],
      inlineQueries: [],
      minSavingsPercent: 10,
      provenance: 'test',
    });
    const order = ['Processor.cumulativeToDelta', 'Processor.keepAttributes', 'Processor.deltaToCumulative'].map((s) => source.indexOf(s));
    expect(order.every((i, n) => i > 0 && (n === 0 || i > order[n - 1]!))).toBe(true);
    expect(source).toMatch(/cumulativeToDelta\(\{ name: 'recommended', metrics: \[\n\s+"latency_seconds",\n\s+"jobs_total",\n\s+\] \}\)/);
    expect(source).toMatch(/\{ name: "queue_depth", type: 'gauge' \}[\s\S]*gaugeFunction: 'max'/);
    expect(source.match(/Processor\.keepAttributes/g)).toHaveLength(3);
    // the counter and histogram merges align their delta starts (ADR 0137), the gauge merge has none to align
    const calls = source
      .split('Processor.keepAttributes(')
      .slice(1)
      .map((c) => c.slice(0, c.indexOf('})')));
    const aligned = calls.filter((c) => c.includes('alignDeltaStarts: true'));
    expect(aligned).toHaveLength(2);
    expect(aligned.every((c) => /type: '(sum|histogram)'/.test(c) && !c.includes("'gauge'"))).toBe(true);
  });

  it('fails when nothing is recommended', () => {
    const { report } = recommend(['queue_depth']);
    const input = {
      name: 'x',
      metrics: report.metrics.filter((m) => !m.recommended),
      baseDirectory: '..',
      ruleFiles: [],
      dashboards: [],
      inlineQueries: [],
      minSavingsPercent: 10,
      provenance: '',
    };
    expect(() => renderExperimentSource(input)).toThrow(/nothing to write/);
  });
});

describe('recommendReductions without type metadata', () => {
  it('leaves a family of unknown type untouched: a counter read as a gauge would be summed across resets', () => {
    // GIVEN the gauge's series without family metadata
    const { analyzed } = analyzeQueries([inlineQuery('max by (queue) (queue_depth)', { file: 'q.yaml', line: 1, column: 1 })]);
    const bare = SERIES.filter((s) => s.name === 'queue_depth').map(({ name, labels }) => ({ name, labels }));
    const report = recommendReductions({ series: bare, families: new Map(), queries: analyzed, priceModel: GRAFANA_CLOUD_PRO });
    // THEN nothing is recommended, and the reason says what to give
    expect(report.metrics[0]).toMatchObject({ recommended: false, reason: expect.stringMatching(/type is unknown/) });
  });

  it('reads an untyped family named *_total as a counter, merged as deltas', () => {
    const { analyzed } = analyzeQueries([inlineQuery('sum by (queue) (rate(jobs_total[5m]))', { file: 'q.yaml', line: 1, column: 1 })]);
    const bare = SERIES.filter((s) => s.name === 'jobs_total').map(({ name, labels }) => ({ name, labels }));
    const report = recommendReductions({ series: bare, families: new Map(), queries: analyzed, priceModel: GRAFANA_CLOUD_PRO });
    expect(report.metrics[0]).toMatchObject({ type: 'counter', recommended: true, deltaConversion: true, seriesAfter: 2 });
  });
});

describe('names in the written processors', () => {
  it('are the scraped names behind a Prometheus receiver, OpenTelemetry names behind OTLP, both for mixed input', async () => {
    const { processorMetricNames, processorAttributeKeys } = await import('../../analysis/recommend');
    const counter = { metric: 'redis_commands_total', type: 'counter' as const };
    expect(processorMetricNames(counter)).toEqual(['redis_commands_total']);
    expect(processorMetricNames(counter, 'otel')).toEqual(['redis.commands', 'redis_commands']);
    expect(processorMetricNames(counter, 'both')).toEqual(['redis_commands_total', 'redis.commands', 'redis_commands']);
    // a counter family without _total has no OpenTelemetry name: it keeps its own
    expect(processorMetricNames({ metric: 'odd_counter', type: 'counter' }, 'otel')).toEqual(['odd_counter']);
    expect(processorAttributeKeys(['http_route', 'cmd'], 'otel')).toEqual(['http_route', 'http.route', 'cmd']);
    expect(processorAttributeKeys(['http_route'])).toEqual(['http_route']);
  });
});
