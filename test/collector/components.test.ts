import { describe, expect, it } from 'vitest';
import { Connector, Exporter, Extension, Processor, Receiver } from '../../constructs/collector';

describe('Receiver', () => {
  it('renders a static Prometheus job with the scrape interval as a Go duration', () => {
    // GIVEN a job with two targets
    const receiver = Receiver.prometheus({ jobName: 'checkout', targets: ['a:8080', 'b:8080'], scrapeIntervalSeconds: 90, name: 'apps' });
    // THEN the id carries the name and the job is rendered as Prometheus reads it
    expect(receiver.id).toBe('prometheus/apps');
    expect(receiver.render()).toEqual({
      config: { scrape_configs: [{ job_name: 'checkout', scrape_interval: '1m30s', static_configs: [{ targets: ['a:8080', 'b:8080'] }] }] },
    });
  });

  it('keeps verbatim scrape configs and applies the interval only where a job sets none', () => {
    const receiver = Receiver.prometheus({
      scrapeConfigs: [
        { job_name: 'k8s', kubernetes_sd_configs: [{ role: 'pod' }] },
        { job_name: 'slow', scrape_interval: '5m' },
      ],
      scrapeIntervalSeconds: 30,
    });
    const jobs = (receiver.render().config as { scrape_configs: Record<string, unknown>[] }).scrape_configs;
    expect(jobs.map((j) => j.scrape_interval)).toEqual(['30s', '5m']);
  });

  it('fails when both scrapeConfigs and jobName are given', () => {
    expect(() => Receiver.prometheus({ scrapeConfigs: [{ job_name: 'a' }], jobName: 'b', targets: ['b:1'], scrapeIntervalSeconds: 30 })).toThrow(
      /either 'scrapeConfigs' or 'jobName' \+ 'targets', not both/,
    );
  });

  it('fails when a target is not host:port', () => {
    expect(() => Receiver.prometheus({ jobName: 'a', targets: ['http://a/metrics'], scrapeIntervalSeconds: 30 })).toThrow(
      /'targets' \("http:\/\/a\/metrics"\) must be host:port/,
    );
  });

  it('fails when the scrape interval is not a whole number of seconds', () => {
    expect(() => Receiver.prometheus({ jobName: 'a', targets: ['a:1'], scrapeIntervalSeconds: 0.5 })).toThrow(
      /'scrapeIntervalSeconds' \(0.5\) must be an integer/,
    );
  });

  it('fails when a scrape config holds ${…}, which the collector expands as an environment variable', () => {
    const relabel = { source_labels: ['__address__'], regex: '(.*):.*', replacement: '${1}:9090', target_label: '__address__' };
    expect(() => Receiver.prometheus({ scrapeConfigs: [{ job_name: 'a', relabel_configs: [relabel] }], scrapeIntervalSeconds: 30 })).toThrow(
      /scrapeConfigs\[0\]\.relabel_configs\[0\]\.replacement \("\$\{1\}:9090"\): the collector would expand '\$\{1\}' as an environment variable; write '\$\$\{1\}'/,
    );
    const escaped = { ...relabel, replacement: '$${1}:9090' };
    expect(() => Receiver.prometheus({ scrapeConfigs: [{ job_name: 'a', relabel_configs: [escaped] }], scrapeIntervalSeconds: 30 })).not.toThrow();
  });

  it('renders OTLP without HTTP when asked', () => {
    expect(Receiver.otlp({ httpEndpoint: false }).render()).toEqual({ protocols: { grpc: { endpoint: '0.0.0.0:4317' } } });
  });

  it('fails when a name holds a slash', () => {
    expect(() => Receiver.otlp({ name: 'a/b' })).toThrow(/Receiver.otlp: 'name' \("a\/b"\) must start with a letter or digit/);
  });
});

describe('Processor', () => {
  it('drops metrics by name, regex and allow-list with error_mode set', () => {
    const filter = Processor.filterMetrics({ dropNames: ['go.gc.duration'], dropRegexes: ['^process\\.'], keepOnly: ['http.server.request.duration', 'up'] });
    expect(filter.render()).toEqual({
      error_mode: 'ignore',
      metrics: {
        metric: ['name == "go.gc.duration"', 'IsMatch(name, "^process\\\\.")', 'name != "http.server.request.duration" and name != "up"'],
      },
    });
    expect(filter.effects.droppedMetrics?.keepOnly).toEqual(['http.server.request.duration', 'up']);
  });

  it('fails when a drop regex uses a construct RE2 rejects', () => {
    expect(() => Processor.filterMetrics({ dropRegexes: ['^(?!http)'] })).toThrow(/dropRegexes\[0\] .* uses lookahead/);
  });

  it('fails when a metric is both kept only and dropped', () => {
    expect(() => Processor.filterMetrics({ dropNames: ['up'], keepOnly: ['up'] })).toThrow(/'up' is both in 'keepOnly' and in 'dropNames'/);
  });

  it('fails when given nothing to drop', () => {
    expect(() => Processor.filterMetrics({})).toThrow(/at least one of 'dropNames', 'dropRegexes' or 'keepOnly'/);
  });

  it('keeps attributes and aggregates counters and histograms with sum, leaving untyped gauges alone', () => {
    // GIVEN an untyped metric
    const keep = Processor.keepAttributes({ metrics: ['http.server.request.duration'], keep: ['http.route'] });
    const groups = keep.render().metric_statements as { context: string; statements: string[] }[];
    // THEN sums and histograms are aggregated with sum, and no statement touches gauges
    expect(groups.map((g) => g.context)).toEqual(['datapoint', 'metric']);
    expect(groups[1].statements).toEqual([
      'aggregate_on_attributes("sum", ["http.route"]) where name == "http.server.request.duration" and type == METRIC_DATA_TYPE_SUM',
      'aggregate_on_attributes("sum", ["http.route"]) where name == "http.server.request.duration" and (type == METRIC_DATA_TYPE_HISTOGRAM or type == METRIC_DATA_TYPE_EXPONENTIAL_HISTOGRAM)',
    ]);
    expect(groups[0].statements[1]).toBe(
      'keep_keys(attributes, ["http.route"]) where metric.name == "http.server.request.duration" and metric.type == METRIC_DATA_TYPE_SUM',
    );
    expect(JSON.stringify(groups)).not.toContain('GAUGE');
    expect(keep.id).toBe('transform/keep-attributes');
    expect(keep.effects).toMatchObject({ aggregates: true, keptAttributes: ['http.route'], metrics: ['http.server.request.duration'] });
  });

  it('by default (and with alignDeltaStarts: true), sets the start of delta sums and histograms to 0 before merging them, never of gauges', () => {
    const props = {
      metrics: [
        { name: 'jobs', type: 'sum' },
        { name: 'latency', type: 'histogram' },
        { name: 'queue.length', type: 'gauge' },
      ],
      keep: ['queue'],
      gaugeFunction: 'max',
    } as const;
    const keep = Processor.keepAttributes(props);
    expect(Processor.keepAttributes({ ...props, alignDeltaStarts: true }).render()).toEqual(keep.render());
    const [datapoint] = keep.render().metric_statements as { context: string; statements: string[] }[];
    expect(datapoint!.statements).toEqual([
      'set(start_time_unix_nano, 0) where metric.name == "jobs" and metric.type == METRIC_DATA_TYPE_SUM and metric.aggregation_temporality == AGGREGATION_TEMPORALITY_DELTA',
      'keep_keys(attributes, ["queue"]) where metric.name == "jobs" and metric.type == METRIC_DATA_TYPE_SUM',
      'set(start_time_unix_nano, 0) where metric.name == "latency" and (metric.type == METRIC_DATA_TYPE_HISTOGRAM or metric.type == METRIC_DATA_TYPE_EXPONENTIAL_HISTOGRAM) and metric.aggregation_temporality == AGGREGATION_TEMPORALITY_DELTA',
      'keep_keys(attributes, ["queue"]) where metric.name == "latency" and (metric.type == METRIC_DATA_TYPE_HISTOGRAM or metric.type == METRIC_DATA_TYPE_EXPONENTIAL_HISTOGRAM)',
      'keep_keys(attributes, ["queue"]) where metric.name == "queue.length" and metric.type == METRIC_DATA_TYPE_GAUGE',
    ]);
    // opted out, no start is touched; nor are the starts of sums merged as absolute (cumulative) values
    const plain = Processor.keepAttributes({ metrics: [{ name: 'jobs', type: 'sum' }], keep: ['queue'], alignDeltaStarts: false });
    expect(JSON.stringify(plain.render())).not.toContain('start_time');
    const absolute = Processor.keepAttributes({
      metrics: [
        { name: 'jobs', type: 'sum' },
        { name: 'latency', type: 'histogram' },
      ],
      keep: ['queue'],
      absoluteSums: true,
    });
    const [statements] = absolute.render().metric_statements as { statements: string[] }[];
    expect(statements!.statements.filter((x) => x.startsWith('set(start_time_unix_nano, 0)')).map((x) => /metric\.name == "(\w+)"/.exec(x)![1])).toEqual([
      'latency',
    ]);
    expect(() => Processor.keepAttributes({ metrics: ['a'], keep: [], alignDeltaStarts: 'yes' as never })).toThrow(/'alignDeltaStarts' must be true or false/);
  });

  it('aggregates a declared gauge only with its explicit function', () => {
    const keep = Processor.keepAttributes({ metrics: [{ name: 'queue.length', type: 'gauge' }], keep: ['queue'], gaugeFunction: 'max' });
    const metric = (keep.render().metric_statements as { statements: string[] }[])[1].statements;
    expect(metric).toEqual(['aggregate_on_attributes("max", ["queue"]) where name == "queue.length" and type == METRIC_DATA_TYPE_GAUGE']);
    expect(keep.effects.aggregation?.mayTouchCounters).toBe(false);
  });

  it('fails when a gauge would be aggregated without an explicit function', () => {
    expect(() => Processor.keepAttributes({ metrics: [{ name: 'memory.usage', type: 'gauge' }], keep: [] })).toThrow(
      /gauge 'memory.usage' would be aggregated without an explicit function: set 'gaugeFunction'/,
    );
  });

  it('fails when the aggregation function is not one OTTL knows', () => {
    expect(() => Processor.keepAttributes({ metrics: ['a'], keep: [], aggregation: 'avg' as never })).toThrow(
      /'aggregation' \("avg"\) must be one of sum, max/,
    );
  });

  it('fails when an attribute is listed twice in keep', () => {
    expect(() => Processor.keepAttributes({ metrics: ['a'], keep: ['x', 'x'] })).toThrow(/'keep' lists 'x' twice/);
  });

  it('deletes an attribute implied by a kept one', () => {
    const drop = Processor.dropAttribute({ attribute: 'k8s.pod.uid', impliedBy: 'k8s.pod.name', level: 'resource' });
    expect(drop.id).toBe('transform/drop-k8s.pod.uid');
    expect(drop.render()).toEqual({
      error_mode: 'ignore',
      metric_statements: [{ context: 'resource', statements: ['delete_key(attributes, "k8s.pod.uid")'] }],
    });
    expect(drop.aggregates).toBe(false);
  });

  it('fails when an attribute is deleted without saying which kept attribute implies it', () => {
    expect(() => Processor.dropAttribute({ attribute: 'k8s.pod.uid' })).toThrow(/merges every series that differ only in it .* set 'impliedBy'/);
  });

  it('fails when a resource attribute deletion is restricted to metrics', () => {
    expect(() => Processor.dropAttribute({ attribute: 'a', impliedBy: 'b', level: 'resource', metrics: ['m'] })).toThrow(
      /a resource attribute is shared by every metric/,
    );
  });

  it('renders memory_limiter with percentages by default and MiB when asked', () => {
    expect(Processor.memoryLimiter().render()).toEqual({ check_interval: '1s', limit_percentage: 80, spike_limit_percentage: 25 });
    expect(Processor.memoryLimiter({ limitMiB: 1000 }).render()).toEqual({ check_interval: '1s', limit_mib: 1000, spike_limit_mib: 200 });
  });

  it('fails when the memory spike limit is not below the limit', () => {
    expect(() => Processor.memoryLimiter({ limitPercentage: 50, spikeLimitPercentage: 50 })).toThrow(
      /'spikeLimitPercentage' \(50\) must be below 'limitPercentage' \(50\)/,
    );
  });

  it('fails when the batch maximum is below the batch size', () => {
    expect(() => Processor.batch({ sendBatchSize: 100, sendBatchMaxSize: 10 })).toThrow(/'sendBatchMaxSize' \(10\) must be at least 'sendBatchSize' \(100\)/);
  });

  it('renders delta conversion with strict metric matching and marks it stateful', () => {
    const toDelta = Processor.cumulativeToDelta({ metrics: ['http.server.requests'] });
    expect(toDelta.render()).toEqual({ include: { metrics: ['http.server.requests'], match_type: 'strict' } });
    expect(toDelta.effects).toMatchObject({ stateful: true, temporality: 'cumulative-to-delta' });
    expect(Processor.deltaToCumulative({ maxStaleSeconds: 600 }).render()).toEqual({ max_stale: '10m' });
  });

  it('renders groupbyattrs compaction with no keys', () => {
    expect(Processor.groupByAttributes([]).render()).toEqual({ keys: [] });
    expect(Processor.groupByAttributes([]).effects.regroupsBy).toEqual([]);
  });

  it('marks raw OTTL with aggregate_on_attributes as aggregating', () => {
    const raw = Processor.transform({
      name: 'raw',
      metricStatements: [{ context: 'metric', statements: ['aggregate_on_attributes("sum", ["a"]) where name == "m"'] }],
    });
    expect(raw.effects).toMatchObject({ aggregates: true, opaque: true, metrics: ['m'], keptAttributes: ['a'] });
  });

  it('fails when raw OTTL is outside the grammar, naming the statement', () => {
    expect(() => Processor.transform({ metricStatements: [{ context: 'metric', statements: ['set(name, "x") wher name == "y"'] }] })).toThrow(
      /metric_statements\[0\]\.statements\[0\]: OTTL syntax error at column 16/,
    );
  });
});

describe('Exporter', () => {
  it('turns retries and the queue on for remote write by default', () => {
    const rw = Exporter.prometheusRemoteWrite('https://mimir.example/api/v1/push', { externalLabels: { cluster: 'eu-1' } }).render();
    expect(rw.retry_on_failure).toMatchObject({ enabled: true, max_elapsed_time: '5m' });
    expect(rw.remote_write_queue).toEqual({ enabled: true, queue_size: 10000, num_consumers: 5 });
    expect(rw.external_labels).toEqual({ cluster: 'eu-1' });
  });

  it('turns retries and the sending queue on for OTLP by default', () => {
    const otlp = Exporter.otlp('collector.monitoring:4317', { insecure: true }).render();
    expect(otlp).toMatchObject({ retry_on_failure: { enabled: true }, sending_queue: { enabled: true }, tls: { insecure: true } });
  });

  it('fails when the remote-write URL is not absolute', () => {
    expect(() => Exporter.prometheusRemoteWrite('mimir/api/v1/push')).toThrow(/the URL "mimir\/api\/v1\/push" must be an absolute http:\/\/ or https:\/\/ URL/);
  });

  it('fails when an external label is not a Prometheus label name', () => {
    expect(() => Exporter.prometheusRemoteWrite('http://a/push', { externalLabels: { 'k8s.cluster': 'x' } })).toThrow(
      /'k8s.cluster' is not a valid Prometheus label name/,
    );
  });

  it('fails when the debug verbosity is unknown', () => {
    expect(() => Exporter.debug({ verbosity: 'loud' as never })).toThrow(/'verbosity' \("loud"\) must be basic, normal or detailed/);
  });
});

describe('Connector and Extension', () => {
  it('routes by OTTL condition in the metric context', () => {
    const routing = Connector.routing({ table: [{ condition: 'name == "up"', pipelines: ['metrics/up'] }], defaultPipelines: ['metrics/rest'] });
    expect(routing.render()).toEqual({
      error_mode: 'ignore',
      table: [{ context: 'metric', condition: 'name == "up"', pipelines: ['metrics/up'] }],
      default_pipelines: ['metrics/rest'],
    });
  });

  it('fails when a route condition does not parse', () => {
    expect(() => Connector.routing({ table: [{ condition: 'name = "up"', pipelines: ['metrics/up'] }] })).toThrow(/table\[0\]\.condition: OTTL syntax error/);
  });

  it('renders health_check on the default probe port', () => {
    expect(Extension.healthCheck().render()).toEqual({ endpoint: '0.0.0.0:13133' });
    expect(Connector.forward().render()).toEqual({});
  });

  it('returns a copy from render so callers cannot change the component', () => {
    const exporter = Exporter.debug();
    (exporter.render() as Record<string, unknown>).verbosity = 'detailed';
    expect(exporter.render()).toEqual({ verbosity: 'basic' });
  });
});
