import { COLLECTOR_CORE_STABLE_RELEASE, COLLECTOR_RELEASE } from '../../constructs/collector/release';
import { describe, expect, it } from 'vitest';
import {
  CollectorPipeline,
  Connector,
  Exporter,
  Extension,
  Processor,
  Receiver,
  validateCollectorConfig,
  type CollectorConfig,
} from '../../constructs/collector';
import core from '../../constructs/collector/schemas/data/core.json';
import contrib from '../../constructs/collector/schemas/data/contrib.json';
import { GO_DURATION, resolveRef, translateFile } from '../../constructs/collector/schemas/loader';

const pipelines = { metrics: { receivers: ['otlp'], exporters: ['debug'] } };

function errors(config: Record<string, unknown>): string[] {
  return validateCollectorConfig(config as unknown as CollectorConfig)
    .filter((p) => p.severity === 'error')
    .map((p) => p.message);
}

describe('schema loader', () => {
  it.each([
    ['level', 'core', '/config/configcompression', '#/$defs/level'],
    ['/config/configauth.config', 'core', '/config/confighttp', 'otel://core/config/configauth#/$defs/config'],
    [
      './internal/common.context_statements',
      'contrib',
      '/processor/transformprocessor',
      'otel://contrib/processor/transformprocessor/internal/common#/$defs/context_statements',
    ],
    ['./internal.timeout_config', 'core', '/exporter/exporterhelper', 'otel://core/exporter/exporterhelper/internal#/$defs/timeout_config'],
    ['go.opentelemetry.io/collector/config/confighttp.client_config', 'contrib', '/exporter/x', 'otel://core/config/confighttp#/$defs/client_config'],
    [
      'github.com/open-telemetry/opentelemetry-collector-contrib/internal/filter/filterset.config',
      'contrib',
      '/processor/x',
      'otel://contrib/internal/filter/filterset#/$defs/config',
    ],
    ['/pkg/ottl.error_mode', 'contrib', '/processor/filterprocessor', 'otel://contrib/pkg/ottl#/$defs/error_mode'],
  ] as const)('resolves %s', (ref, repo, file, expected) => {
    expect(resolveRef(ref, repo, file)).toBe(expected);
  });

  it('lets x-optional fields be written empty and closes objects that declare properties', () => {
    const schema = translateFile('core', '/t', { type: 'object', properties: { grpc: { 'x-optional': true, $ref: 'server' }, free: { type: 'object' } } });
    expect(schema.properties).toEqual({
      grpc: { anyOf: [{ type: 'null' }, { $ref: '#/$defs/server', unevaluatedProperties: false }] },
      free: { type: 'object' },
    });
  });

  it.each(['5s', '1m30s', '250ms', '1h', '0', '1.5h', '300us'])('accepts the Go duration %s', (text) => {
    expect(GO_DURATION.test(text)).toBe(true);
  });

  it.each(['5', '5 seconds', 'PT5S', '1d', ''])('rejects %j as a Go duration', (text) => {
    expect(GO_DURATION.test(text)).toBe(false);
  });

  it('stores structure only: no upstream descriptions', () => {
    expect(JSON.stringify(core)).not.toContain('"description"');
    expect(JSON.stringify(contrib)).not.toContain('"description"');
    expect(core.source).toContain(`v${COLLECTOR_RELEASE} (stable modules v${COLLECTOR_CORE_STABLE_RELEASE})`);
    expect(contrib.source).toContain(`v${COLLECTOR_RELEASE}:`);
  });
});

describe('validateCollectorConfig', () => {
  it('accepts optional protocols written empty and TLS settings composed through allOf', () => {
    expect(
      errors({
        receivers: { otlp: { protocols: { grpc: null, http: { endpoint: '0.0.0.0:4318', cors: { allowed_origins: ['*'] } } } } },
        exporters: { debug: {}, 'otlp/gw': { endpoint: 'gw:4317', tls: { insecure: true }, sending_queue: { enabled: true, queue_size: 100 } } },
        service: { pipelines: { metrics: { receivers: ['otlp'], exporters: ['debug', 'otlp/gw'] } } },
      }),
    ).toEqual([]);
  });

  it('names the component and field of an unknown key, however deep', () => {
    expect(
      errors({
        receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317', keepalive: { server_parameters: { tme: '5s' } } } } } },
        exporters: { 'otlp/gw': { endpoint: 'gw:4317', tls: { insecur: true } } },
        service: { pipelines },
      }),
    ).toEqual([
      "receivers.otlp.protocols.grpc.keepalive.server_parameters.tme: unknown field 'tme' (the collector rejects keys it does not know)",
      "exporters.otlp/gw.tls.insecur: unknown field 'insecur' (the collector rejects keys it does not know)",
    ]);
  });

  it('reports wrong enums, durations and types with the value found', () => {
    expect(
      errors({
        processors: {
          'filter/a': { error_mode: 'sometimes', metrics: { metric: ['name == "x"'] } },
          deltatocumulative: { max_stale: '5 minutes' },
          groupbyattrs: { keys: 'k8s.pod.name' },
        },
        service: { pipelines },
      }),
    ).toEqual([
      'processors.filter/a.error_mode: must be one of "ignore", "silent", "propagate" (got "sometimes")',
      'processors.deltatocumulative.max_stale: must be a Go duration such as 5s, 1m30s or 250ms (got "5 minutes")',
      'processors.groupbyattrs.keys: must be array (got "k8s.pod.name")',
    ]);
  });

  it('validates the snake_case names of the pinned collector like the old spellings', () => {
    expect(
      errors({
        exporters: { prometheus_remote_write: { endpoint: 'http://a/push', remote_write_queue: { enabled: 'yes' } } },
        processors: { delta_to_cumulative: { max_stale: '5m' } },
        service: { pipelines },
      }),
    ).toEqual(['exporters.prometheus_remote_write.remote_write_queue.enabled: must be boolean (got "yes")']);
  });

  it('accepts everything the factories render, with every optional prop set', () => {
    // GIVEN a pipeline using each receiver, exporter, connector and extension factory
    const pipeline = new CollectorPipeline({ telemetry: { metricsLevel: 'detailed', metricsPort: 9888, logsLevel: 'warn' } });
    pipeline.addExtension(Extension.healthCheck({ endpoint: '0.0.0.0:13134', path: '/healthz' }));
    const forward = Connector.forward({ name: 'copy' });
    pipeline.addPipeline('metrics', {
      receivers: [
        Receiver.otlp({ grpcEndpoint: '0.0.0.0:14317', httpEndpoint: '0.0.0.0:14318' }),
        Receiver.prometheus({
          scrapeConfigs: [
            {
              job_name: 'k8s',
              kubernetes_sd_configs: [{ role: 'pod' }],
              metric_relabel_configs: [{ action: 'drop', source_labels: ['__name__'], regex: 'go_.*' }],
            },
          ],
          scrapeIntervalSeconds: 15,
        }),
      ],
      processors: [
        Processor.memoryLimiter({ limitMiB: 2048, spikeLimitMiB: 256, checkIntervalSeconds: 2 }),
        Processor.batch({ timeoutSeconds: 0.2, sendBatchSize: 1000, sendBatchMaxSize: 2000 }),
      ],
      exporters: [
        Exporter.prometheusRemoteWrite('https://mimir.example/api/v1/push', {
          headers: { 'X-Scope-OrgID': 'shadow' },
          externalLabels: { cluster: 'eu-1' },
          resourceToTelemetryConversion: true,
          targetInfo: false,
          timeoutSeconds: 10,
          retryMaxElapsedSeconds: 600,
          queueSize: 500,
          numConsumers: 2,
        }),
        Exporter.otlp('gateway:4317', { insecure: true, headers: { authorization: 'x' }, timeoutSeconds: 5, sendingQueue: false }),
        Exporter.otlpHttp('https://otlp.example', { retryOnFailure: false }),
        Exporter.prometheus({ endpoint: '0.0.0.0:9464', metricExpirationSeconds: 600 }),
        forward,
      ],
    });
    pipeline.addPipeline('metrics/copy', { receivers: [forward], exporters: [Exporter.debug({ verbosity: 'detailed' })] });
    // THEN the rendered config passes every rule and schema
    expect(pipeline.validate()).toEqual([]);
  });

  it('checks prometheusremotewrite retry settings as a field of their own', () => {
    expect(
      errors({ exporters: { prometheusremotewrite: { endpoint: 'http://a/push', retry_on_failure: { enabled: 'sometimes' } } }, service: { pipelines } }),
    ).toEqual(['exporters.prometheusremotewrite.retry_on_failure.enabled: must be boolean (got "sometimes")']);
  });

  it('warns, without failing, about component types it has no schema for', () => {
    const problems = validateCollectorConfig({ processors: { k8sattributes: { extract: {} } }, service: { pipelines } } as unknown as CollectorConfig);
    expect(problems).toEqual([
      {
        severity: 'warning',
        path: ['processors', 'k8sattributes'],
        componentId: 'k8sattributes',
        message: "processors.k8sattributes: no schema for processor type 'k8sattributes'; its config is not checked",
      },
    ]);
  });

  it('checks the service section', () => {
    expect(errors({ service: { pipelines: { metrics: { receivers: ['otlp'] } }, telemetry: { metrics: { level: 'verbose' } } } })).toEqual([
      'service.pipelines.metrics.exporters: missing required field',
      'service.telemetry.metrics.level: must be one of "none", "basic", "normal", "detailed" (got "verbose")',
    ]);
    expect(errors({ receivers: {}, servce: {} })).toEqual([
      'servce: unknown top-level section (the collector reads receivers, processors, exporters, connectors, extensions and service)',
      "service: required (it holds 'pipelines')",
    ]);
  });
});
