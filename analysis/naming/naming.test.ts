import { describe, it, expect } from 'vitest';
import {
  attributeCandidatesFor,
  attributeFeedsLabel,
  jobLabelValue,
  instanceLabelValue,
  otelCandidatesFor,
  otelMetricMatchesPrometheusName,
  otelNameCandidates,
  otelNamesOfFamily,
  metricsInputNaming,
  pipelineInputNaming,
  receiversFeeding,
  placeResourceAttribute,
  prometheusLabelName,
  prometheusMetricName,
  prometheusSeriesNames,
  readingsConsistentWith,
} from './index';

describe('prometheusMetricName', () => {
  it.each([
    [{ name: 'system.cpu.time', type: 'sum', unit: 's' }, 'system_cpu_time_seconds_total'],
    [{ name: 'system.memory.usage', type: 'sum', unit: 'By', monotonic: false }, 'system_memory_usage_bytes'],
    [{ name: 'system.cpu.utilization', type: 'gauge', unit: '1' }, 'system_cpu_utilization_ratio'],
    [{ name: 'http.server.active_requests', type: 'sum', unit: '{request}', monotonic: false }, 'http_server_active_requests'],
    [{ name: 'system.network.io', type: 'sum', unit: 'By' }, 'system_network_io_bytes_total'],
    [{ name: 'k8s.pod.network.io', type: 'gauge', unit: 'By/s' }, 'k8s_pod_network_io_bytes_per_second'],
    [{ name: 'process.runtime.jvm.gc.duration', type: 'histogram', unit: 'ms' }, 'process_runtime_jvm_gc_duration_milliseconds'],
    [{ name: 'requests.total', type: 'sum', unit: '1' }, 'requests_total'],
    [{ name: 'queue.size.bytes', type: 'gauge', unit: 'By' }, 'queue_size_bytes'],
    [{ name: '2xx.responses', type: 'sum' }, '_2xx_responses_total'],
    [{ name: 'temp', type: 'gauge', unit: 'Cel' }, 'temp_celsius'],
    [{ name: 'weird', type: 'gauge', unit: 'furlongs' }, 'weird_furlongs'],
  ] as const)('translates %j to %s', (metric, expected) => {
    expect(prometheusMetricName(metric)).toBe(expected);
  });

  it('keeps the name as written (forbidden runes → _) without suffixes, and prefixes the namespace', () => {
    expect(prometheusMetricName({ name: 'system.cpu.time', type: 'sum', unit: 's' }, { addMetricSuffixes: false })).toBe('system_cpu_time');
    expect(prometheusMetricName({ name: 'system.cpu.time', type: 'sum', unit: 's' }, { namespace: 'otel' })).toBe('otel_system_cpu_time_seconds_total');
  });
});

describe('prometheusSeriesNames', () => {
  it('writes a histogram as _bucket (with le), _sum and _count', () => {
    const names = prometheusSeriesNames({ name: 'http.server.request.duration', type: 'histogram', unit: 's' });
    expect(names.map((n) => n.name)).toEqual([
      'http_server_request_duration_seconds_bucket',
      'http_server_request_duration_seconds_sum',
      'http_server_request_duration_seconds_count',
    ]);
    expect(names[0]!.addedLabels).toEqual(['le']);
  });

  it('writes a summary with quantile and an exponential histogram as one native histogram', () => {
    expect(prometheusSeriesNames({ name: 'rpc.latency', type: 'summary', unit: 'ms' })[0]).toEqual({
      name: 'rpc_latency_milliseconds',
      role: 'quantile',
      addedLabels: ['quantile'],
    });
    expect(prometheusSeriesNames({ name: 'rpc.latency', type: 'exponential_histogram', unit: 's' })).toEqual([
      { name: 'rpc_latency_seconds', role: 'native-histogram', addedLabels: [] },
    ]);
  });
});

describe('reading Prometheus names back', () => {
  it('offers a histogram reading for a _bucket name with its unit and stem', () => {
    const [first] = otelCandidatesFor('http_server_request_duration_seconds_bucket');
    expect(first).toMatchObject({ type: 'histogram', role: 'bucket', unitWords: 'seconds', stemTokens: ['http', 'server', 'request', 'duration'] });
  });

  it('reads _total as a monotonic sum', () => {
    const counter = otelCandidatesFor('system_cpu_time_seconds_total').find((c) => c.type === 'sum' && c.monotonic);
    expect(counter?.stemTokens).toEqual(['system', 'cpu', 'time']);
  });

  it('matches OTel names to Prometheus names with and without known type', () => {
    expect(otelMetricMatchesPrometheusName('http.server.request.duration', 'http_server_request_duration_seconds_bucket')).toBe(true);
    expect(
      otelMetricMatchesPrometheusName('http.server.request.duration', 'http_server_request_duration_seconds_count', { type: 'histogram', unit: 's' }),
    ).toBe(true);
    expect(otelMetricMatchesPrometheusName('system.cpu.time', 'system_cpu_time_seconds_total')).toBe(true);
    expect(otelMetricMatchesPrometheusName('system.cpu.time', 'system_cpu_time_seconds_total', { type: 'gauge', unit: 's' })).toBe(false);
    expect(otelMetricMatchesPrometheusName('system.cpu.time', 'system_cpu_utilization_ratio')).toBe(false);
    expect(otelMetricMatchesPrometheusName('up', 'up')).toBe(true);
  });

  it('lists dotted spellings to test against processor patterns', () => {
    expect(otelNameCandidates('http_server_request_duration_seconds_bucket')).toContain('http.server.request.duration');
    expect(otelNameCandidates('k8s_pod_cpu_time_seconds_total')).toContain('k8s.pod.cpu.time');
  });
});

describe('attributes', () => {
  it.each([
    ['k8s.pod.name', 'k8s_pod_name'],
    ['http.route', 'http_route'],
    ['http.response.status_code', 'http_response_status_code'],
    ['2xx', 'key_2xx'],
    ['_private', 'key_private'],
    ['__meta', '__meta'],
    ['net.peer-name', 'net_peer_name'],
  ])('sanitises %s → %s', (attribute, label) => {
    expect(prometheusLabelName(attribute)).toBe(label);
  });

  it('maps service attributes to job and instance, others to target_info', () => {
    expect(placeResourceAttribute('service.name')).toEqual({ seriesLabels: ['job'] });
    expect(placeResourceAttribute('service.instance.id')).toEqual({ seriesLabels: ['instance'] });
    expect(placeResourceAttribute('k8s.pod.name')).toEqual({ seriesLabels: [], targetInfoLabel: 'k8s_pod_name' });
    expect(placeResourceAttribute('k8s.pod.name', { resourceToTelemetryConversion: true }).seriesLabels).toEqual(['k8s_pod_name']);
    expect(jobLabelValue({ 'service.name': 'checkout', 'service.namespace': 'shop' })).toBe('shop/checkout');
    expect(jobLabelValue({ 'service.name': 'checkout' })).toBe('checkout');
    expect(instanceLabelValue({ 'service.instance.id': 'pod-1' })).toBe('pod-1');
  });

  it('relates attributes to the labels they feed', () => {
    expect(attributeFeedsLabel('http.route', 'datapoint', 'http_route', 'http_server_request_duration_seconds_bucket')).toBe(true);
    expect(attributeFeedsLabel('service.namespace', 'resource', 'job', 'up')).toBe(true);
    expect(attributeFeedsLabel('k8s.pod.name', 'resource', 'k8s_pod_name', 'target_info')).toBe(true);
    expect(attributeFeedsLabel('k8s.pod.name', 'resource', 'k8s_pod_name', 'up')).toBe(false);
    expect(attributeCandidatesFor('k8s_pod_name')).toContain('k8s.pod.name');
    expect(attributeCandidatesFor('job')).toEqual(['service.name', 'service.namespace']);
  });
});

describe('readingsConsistentWith', () => {
  it('keeps only the readings an OTel name can produce', () => {
    const readings = readingsConsistentWith('http.server.request.duration', 'http_server_request_duration_seconds_count');
    expect(readings.map((r) => r.type).sort()).toEqual(['histogram', 'summary']);
    expect(readingsConsistentWith('node_cpu_seconds_total', 'node_cpu_seconds_total').some((r) => r.type === 'sum' && r.monotonic)).toBe(true);
    expect(readingsConsistentWith('http.server.active_requests', 'http_server_request_duration_seconds_count')).toEqual([]);
  });
});

describe('otelNamesOfFamily', () => {
  it.each([
    ['redis_commands_total', 'counter', ['redis.commands', 'redis_commands']],
    [
      'http_server_request_duration_seconds',
      'histogram',
      ['http.server.request.duration', 'http_server_request_duration', 'http.server.request.duration.seconds', 'http_server_request_duration_seconds'],
    ],
    ['node_cpu_seconds_total', 'counter', ['node.cpu', 'node_cpu', 'node.cpu.seconds', 'node_cpu_seconds']],
    ['redis_connected_clients', 'gauge', ['redis.connected.clients', 'redis_connected_clients']],
    [
      'k8s_pod_network_io_bytes_per_second',
      'gauge',
      ['k8s.pod.network.io', 'k8s_pod_network_io', 'k8s.pod.network.io.bytes.per.second', 'k8s_pod_network_io_bytes_per_second'],
    ],
    ['up', 'gauge', ['up']],
  ] as const)('names %s (%s) as %j', (family, kind, expected) => {
    expect(otelNamesOfFamily(family, kind)).toEqual(expected);
  });

  it('gives only names the collector translates back into the family, never a Prometheus series name with _total or _bucket', () => {
    // family, kind, the unit words the name ends in, the unit an OTel metric carries when its name leaves them out
    const families = [
      ['redis_commands_total', 'counter', '', ''],
      ['http_server_request_duration_seconds', 'histogram', 'seconds', 's'],
      ['node_cpu_seconds_total', 'counter', 'seconds', 's'],
      ['mysql_global_status_bytes_received', 'gauge', '', ''],
      ['k8s_pod_network_io_bytes_per_second', 'gauge', 'bytes_per_second', 'By/s'],
      ['system_cpu_utilization_ratio', 'gauge', '', '1'],
    ] as const;
    for (const [family, kind, words, unitOutside] of families) {
      const names = otelNamesOfFamily(family, kind);
      expect(names.length, family).toBeGreaterThan(0);
      for (const name of names) {
        expect(name, family).not.toMatch(/_(total|bucket)$/);
        const carriesUnit = words !== '' && name.replace(/\./g, '_').endsWith(words);
        const unit = carriesUnit ? '' : unitOutside;
        expect(prometheusMetricName({ name, type: kind === 'counter' ? 'sum' : kind, unit }), `${name} (${unit})`).toBe(family);
      }
    }
  });

  it('has no name for a counter family without _total (the exporter always appends it)', () => {
    expect(otelNamesOfFamily('redis_commands', 'counter')).toEqual([]);
  });
});

describe('pipelineInputNaming', () => {
  const config = {
    receivers: { otlp: {}, 'prometheus/redis': {}, hostmetrics: {} },
    connectors: { 'forward/shadow': {} },
    service: {
      pipelines: {
        'metrics/otlp': { receivers: ['otlp'], exporters: ['forward/shadow'] },
        'metrics/scraped': { receivers: ['prometheus/redis'], exporters: ['x'] },
        'metrics/shadow': { receivers: ['forward/shadow'], exporters: ['x'] },
        'metrics/mixed': { receivers: ['hostmetrics', 'prometheus/redis'], exporters: ['x'] },
        'metrics/loop': { receivers: ['forward/shadow'], exporters: ['forward/shadow'] },
      },
    },
  };

  it('follows connectors back to the receivers that feed a pipeline', () => {
    expect(receiversFeeding(config, 'metrics/shadow')).toEqual(['otlp']);
    expect(receiversFeeding(config, 'metrics/loop')).toEqual(['otlp']);
  });

  it('tells scraped names, OpenTelemetry names and both apart', () => {
    expect(pipelineInputNaming(config, 'metrics/otlp')).toBe('otel');
    expect(pipelineInputNaming(config, 'metrics/shadow')).toBe('otel');
    expect(pipelineInputNaming(config, 'metrics/scraped')).toBe('scraped');
    expect(pipelineInputNaming(config, 'metrics/mixed')).toBe('both');
    expect(pipelineInputNaming(config, 'metrics/none')).toBe('none');
    expect(metricsInputNaming(config)).toBe('both');
    expect(
      metricsInputNaming({ receivers: { otlp: {} }, service: { pipelines: { metrics: { receivers: ['otlp'] }, traces: { receivers: ['jaeger'] } } } }),
    ).toBe('otel');
  });
});
