import { describe, expect, it } from 'vitest';
import type { Series } from '../series/model';
import { simulateProcessors, simulatePipeline, type ConfiguredProcessor, type RenderedCollectorConfig } from './index';

// Golden fixtures: each case states the collector component's documented behaviour it encodes
// (collector-contrib README of the component) and checks the simulated output against it.

const requests = (instance: string, route: string, user: string): Series => ({
  name: 'http_requests_total',
  labels: { job: 'api', instance, http_route: route, user_id: user },
  type: 'counter',
});
const bucket = (instance: string, route: string, le: string): Series => ({
  name: 'http_server_request_duration_seconds_bucket',
  labels: { job: 'api', instance, http_route: route, le },
  type: 'histogram',
});
const input: Series[] = [
  requests('a:80', '/users', 'u1'),
  requests('a:80', '/users', 'u2'),
  requests('a:80', '/health', 'u1'),
  requests('b:80', '/users', 'u1'),
  bucket('a:80', '/users', '0.1'),
  bucket('a:80', '/users', '+Inf'),
  bucket('a:80', '/health', '0.1'),
  bucket('a:80', '/health', '+Inf'),
  { name: 'queue_depth', labels: { job: 'worker', instance: 'w:1', queue: 'q1' }, type: 'gauge' },
];

const run = (...processors: Array<[string, Record<string, unknown>]>) =>
  simulateProcessors(
    processors.map(([id, config]): ConfiguredProcessor => ({ id, config })),
    { exporter: 'prometheusremotewrite' },
    input,
  );

describe('filter processor', () => {
  it('drops every series of a metric named in OTel form, through the naming translation', () => {
    // filter README: a metric is dropped when any `metrics.metric` condition is true
    const result = run(['filter/drop', { error_mode: 'ignore', metrics: { metric: ['name == "http.requests"'] } }]);
    expect(result.output.some((s) => s.name === 'http_requests_total')).toBe(false);
    expect(result.output).toHaveLength(5);
  });

  it('drops by RE2 regex on the OTel name and by data-point attribute', () => {
    const byRegex = run(['filter', { metrics: { metric: ['IsMatch(name, "^http\\\\.server\\\\..*")'] } }]);
    expect(byRegex.output.some((s) => s.name.startsWith('http_server'))).toBe(false);
    const byAttribute = run(['filter', { metrics: { datapoint: ['attributes["http.route"] == "/health"'] } }]);
    expect(byAttribute.output.filter((s) => s.labels.http_route === '/health')).toEqual([]);
    expect(byAttribute.output).toHaveLength(6);
  });

  it('keeps only the allow-listed metrics with name != ... and ...', () => {
    const result = run(['filter', { metrics: { metric: ['name != "queue_depth" and name != "http.requests"'] } }]);
    expect(new Set(result.output.map((s) => s.name))).toEqual(new Set(['queue_depth', 'http_requests_total']));
  });

  it('reads the legacy exclude form', () => {
    const result = run(['filter', { metrics: { exclude: { match_type: 'strict', metric_names: ['queue_depth'] } } }]);
    expect(result.output.some((s) => s.name === 'queue_depth')).toBe(false);
  });

  it('treats a condition it cannot evaluate as false and says so', () => {
    const result = run(['filter', { metrics: { metric: ['HasAttrOnDatapoint("x", "y")'] } }]);
    expect(result.output).toHaveLength(input.length);
    expect(result.notes[0]!.message).toMatch(/not evaluated.*function HasAttrOnDatapoint is not modelled/);
  });
});

describe('transform processor', () => {
  const keepRoute = {
    error_mode: 'ignore',
    metric_statements: [
      {
        context: 'datapoint',
        statements: ['keep_keys(attributes, ["http.route"]) where metric.name == "http.requests" and metric.type == METRIC_DATA_TYPE_SUM'],
      },
      { context: 'metric', statements: ['aggregate_on_attributes("sum", ["http.route"]) where name == "http.requests" and type == METRIC_DATA_TYPE_SUM'] },
    ],
  };

  it('keep_keys + aggregate_on_attributes merges the series per resource and kept attributes', () => {
    // transform README: aggregate_on_attributes aggregates the data points of one metric that
    // have equal values of the listed attributes, removing the others; per resource.
    const result = run(['transform/keep', keepRoute]);
    const req = result.output.filter((s) => s.name === 'http_requests_total');
    expect(req.map((s) => [s.labels, s.inputs])).toEqual([
      [{ http_route: '/users', job: 'api', instance: 'a:80' }, 2],
      [{ http_route: '/health', job: 'api', instance: 'a:80' }, 1],
      [{ http_route: '/users', job: 'api', instance: 'b:80' }, 1],
    ]);
    expect(result.collisions).toEqual([]);
  });

  it('keep_keys leaves the otel_scope_* labels the exporter writes (they are the scope, not attributes)', () => {
    // measured on the pinned collector (test/collector/real-examples-otlp.test.ts)
    const scoped: Series[] = [
      {
        name: 'http_requests_total',
        labels: { job: 'api', instance: 'a:80', http_route: '/users', user_id: 'u1', otel_scope_name: 'lib', otel_scope_version: '1.0' },
        type: 'counter',
      },
      {
        name: 'http_requests_total',
        labels: { job: 'api', instance: 'a:80', http_route: '/users', user_id: 'u2', otel_scope_name: 'lib', otel_scope_version: '1.0' },
        type: 'counter',
      },
    ];
    const result = simulateProcessors([{ id: 'transform/keep', config: keepRoute }], { exporter: 'prometheusremotewrite' }, scoped);
    expect(result.output.map((s) => s.labels)).toEqual([
      { http_route: '/users', otel_scope_name: 'lib', otel_scope_version: '1.0', job: 'api', instance: 'a:80' },
    ]);
  });

  it('keep_keys without aggregation leaves duplicates that collide in Prometheus', () => {
    const result = run(['transform', { metric_statements: [keepRoute.metric_statements[0]] }]);
    expect(result.collisions).toEqual([{ series: 'http_requests_total{http_route="/users",instance="a:80",job="api"}', writers: 2, cause: 'transform' }]);
  });

  it('aggregate_on_attributes with no list merges only points with equal attributes (after delete_key)', () => {
    const result = run([
      'transform',
      {
        metric_statements: [
          { context: 'datapoint', statements: ['delete_key(attributes, "user_id")'] },
          { context: 'metric', statements: ['aggregate_on_attributes("sum")'] },
        ],
      },
    ]);
    expect(result.output.filter((s) => s.name === 'http_requests_total')).toHaveLength(3);
    expect(result.collisions).toEqual([]);
  });

  it('leaves histograms unchanged under a function other than sum, and says so', () => {
    const result = run(['transform', { metric_statements: [{ context: 'metric', statements: ['aggregate_on_attributes("max", [])'] }] }]);
    expect(result.output.filter((s) => s.type === 'histogram')).toHaveLength(4);
    expect(result.notes.map((n) => n.message).join('\n')).toMatch(/histogram metrics cannot be aggregated with max/);
  });

  it('does not merge across resources unless groupbyattrs regroups them', () => {
    // groupbyattrs README: with no keys it compacts resource entries with equal attributes.
    const stripInstance = { metric_statements: [{ context: 'resource', statements: ['keep_keys(attributes, ["service.name"])'] }] };
    const aggregate = {
      metric_statements: [{ context: 'metric', statements: ['aggregate_on_attributes("sum", ["http.route"]) where name == "http.requests"'] }],
    };
    const without = run(['transform/strip', stripInstance], ['transform/agg', aggregate]);
    expect(without.collisions.map((c) => c.series)).toContain('http_requests_total{http_route="/users",job="api"}');
    const withRegroup = run(['transform/strip', stripInstance], ['groupbyattrs', {}], ['transform/agg', aggregate]);
    const users = withRegroup.output.find((s) => s.name === 'http_requests_total' && s.labels.http_route === '/users');
    expect(users).toMatchObject({ labels: { job: 'api', http_route: '/users' }, inputs: 3 });
    expect(withRegroup.collisions.filter((c) => c.series.startsWith('http_requests_total'))).toEqual([]);
  });

  it("runs a group's statements only where one of its conditions holds", () => {
    const result = run([
      'transform',
      {
        metric_statements: [{ context: 'datapoint', conditions: ['attributes["http.route"] == "/health"'], statements: ['delete_key(attributes, "user_id")'] }],
      },
    ]);
    const health = result.output.filter((s) => s.name === 'http_requests_total' && s.labels.http_route === '/health');
    expect(health).toHaveLength(1);
    expect('user_id' in health[0]!.labels).toBe(false);
    expect(result.output.filter((s) => s.name === 'http_requests_total' && s.labels.http_route === '/users').every((s) => 'user_id' in s.labels)).toBe(true);
  });

  it('skips statements outside the modelled OTTL and says so', () => {
    const result = run(['transform', { metric_statements: [{ context: 'datapoint', statements: ['replace_pattern(attributes["x"], "a", "b")'] }] }]);
    expect(result.output).toHaveLength(input.length);
    expect(result.notes[0]!.message).toMatch(/replace_pattern.*not modelled in the datapoint context/);
  });
});

describe('metricstransform processor', () => {
  it('aggregate_labels keeps label_set and merges with aggregation_type', () => {
    // metricstransform README: aggregate_labels keeps only label_set and aggregates the rest.
    const result = run([
      'metricstransform',
      {
        transforms: [
          {
            include: 'http.requests',
            match_type: 'strict',
            action: 'update',
            operations: [{ action: 'aggregate_labels', label_set: ['http.route'], aggregation_type: 'sum' }],
          },
        ],
      },
    ]);
    expect(result.output.filter((s) => s.name === 'http_requests_total')).toHaveLength(3);
  });

  it('renames, relabels and deletes label values', () => {
    const result = run([
      'metricstransform',
      {
        transforms: [
          {
            include: 'queue_depth',
            action: 'update',
            new_name: 'queue.size',
            operations: [
              { action: 'update_label', label: 'queue', new_label: 'queue.name', value_actions: [{ value: 'q1', new_value: 'main' }] },
              { action: 'add_label', new_label: 'tier', new_value: 'gold' },
            ],
          },
          { include: 'http.requests', operations: [{ action: 'delete_label_value', label: 'http.route', label_value: '/health' }] },
        ],
      },
    ]);
    expect(result.output.find((s) => s.name === 'queue_size')?.labels).toEqual({ queue_name: 'main', tier: 'gold', job: 'worker', instance: 'w:1' });
    expect(result.output.filter((s) => s.name === 'http_requests_total' && s.labels.http_route === '/health')).toEqual([]);
  });
});

describe('temporality processors and the exporter', () => {
  it('drops delta counters at prometheusremotewrite unless deltatocumulative follows', () => {
    // prometheusremotewrite README: delta sums and histograms are not exported.
    const only = run(['cumulativetodelta', { include: { metrics: ['http.requests'], match_type: 'strict' } }]);
    expect(only.droppedAtExport).toBe(4);
    expect(only.notes.at(-1)!.message).toMatch(/add delta_to_cumulative/);
    const both = run(['cumulativetodelta', {}], ['deltatocumulative', {}]);
    expect(both.output).toHaveLength(input.length);
    expect(both.droppedAtExport).toBe(0);
  });

  it('notes processors it does not model and passes their data', () => {
    const result = run(['k8sattributes', {}], ['batch', {}]);
    expect(result.output).toHaveLength(input.length);
    expect(result.notes).toEqual([{ processor: 'k8sattributes', message: 'processor type "k8sattributes" is not modelled; its data passes unchanged' }]);
    expect(result.steps.map((s) => s.processor)).toEqual(['k8sattributes', 'batch']);
  });
});

describe('simulatePipeline', () => {
  const config: RenderedCollectorConfig = {
    processors: { 'filter/q': { metrics: { metric: ['name == "queue_depth"'] } }, batch: {} },
    exporters: {
      'prometheusremotewrite/shadow': { endpoint: 'http://x', resource_to_telemetry_conversion: { enabled: true }, external_labels: { phoenix_variant: 'c' } },
    },
    service: { pipelines: { metrics: { receivers: ['otlp'], processors: ['filter/q', 'batch'], exporters: ['prometheusremotewrite/shadow'] } } },
  };

  it('runs the pipeline processors in order with its exporter settings', () => {
    const withResource: Series[] = [{ name: 'm', labels: { job: 'j', x: '1' }, resource: { 'service.name': 'j', 'k8s.pod.name': 'p' } }, ...input];
    const result = simulatePipeline(config, 'metrics', withResource);
    expect(result.output.some((s) => s.name === 'queue_depth')).toBe(false);
    expect(result.output[0]!.labels).toEqual({ x: '1', job: 'j', k8s_pod_name: 'p', phoenix_variant: 'c' });
  });

  it('fails when the pipeline does not exist, listing the known ones', () => {
    expect(() => simulatePipeline(config, 'metrics/nope', input)).toThrow(/"metrics\/nope" is not in service.pipelines \(known: metrics\)/);
  });
});
