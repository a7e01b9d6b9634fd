import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CollectorConfig } from '../collector/config';
import { CollectorDeployment, type CollectorDeploymentProps } from './collector-deployment';
import { validateOpenTelemetryCollector } from './collector-resource-schema';

const CONFIG: CollectorConfig = {
  receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: {} } } },
  processors: { batch: {} },
  exporters: { prometheusremotewrite: { endpoint: 'https://prod.example/api/v1/push' } },
  extensions: { health_check: { endpoint: '0.0.0.0:13133' } },
  service: { extensions: ['health_check'], pipelines: { metrics: { receivers: ['otlp'], processors: ['batch'], exporters: ['prometheusremotewrite'] } } },
};

function synth(props: Partial<CollectorDeploymentProps> = {}) {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'observability' });
  new CollectorDeployment(chart, 'Collector', { name: 'metrics', config: () => CONFIG, ...props });
  return Testing.synth(chart) as any[];
}

describe('CollectorDeployment with the operator (default)', () => {
  it('renders one OpenTelemetryCollector that validates against the operator CRD', () => {
    // GIVEN defaults WHEN synthesized
    const [collector, ...rest] = synth();
    // THEN
    expect(rest).toHaveLength(0);
    expect(validateOpenTelemetryCollector(collector)).toEqual([]);
    expect(collector).toMatchSnapshot();
  });

  it('keeps the config structured, pins the image, sets requests, limits and non-root', () => {
    const [collector] = synth({ replicas: 2, cpuLimitMillis: 500 });
    expect(collector.spec.config).toEqual(CONFIG);
    expect(collector.spec.image).toMatch(/^otel\/opentelemetry-collector-contrib:\d+\.\d+\.\d+$/);
    expect(collector.spec.replicas).toBe(2);
    expect(collector.spec.resources.limits.cpu).toBe('500m');
    expect(collector.spec.podSecurityContext.runAsNonRoot).toBe(true);
    expect(collector.metadata.annotations['kustomize.toolkit.fluxcd.io/substitute']).toBe('disabled');
    expect(collector.metadata.namespace).toBe('observability');
  });

  it('passes environment variables to the collector, sorted, in both modes', () => {
    const [collector] = synth({ env: { B: '2', A: '1' } });
    expect(collector.spec.env).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    expect(validateOpenTelemetryCollector(collector)).toEqual([]);
    const deployment = synth({ useOperator: false, env: { A: '1' } }).find((o) => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.containers[0].env).toEqual([{ name: 'A', value: '1' }]);
    expect(() => synth({ env: { 'bad-name': 'x' } })).toThrow(/'env' name 'bad-name' must be a valid environment variable name/);
  });

  it('reads the config at synthesis, so later changes reach the output', () => {
    const chart = new Chart(Testing.app(), 'test');
    let config: CollectorConfig = CONFIG;
    new CollectorDeployment(chart, 'Collector', { config: () => config });
    config = { ...CONFIG, processors: { batch: { timeout: '2s' } } };
    expect(Testing.synth(chart)[0].spec.config.processors.batch.timeout).toBe('2s');
  });

  it('the schema check catches a field the CRD does not know', () => {
    const [collector] = synth();
    expect(validateOpenTelemetryCollector({ ...collector, spec: { ...collector.spec, replica: 3 } })).toEqual([
      "spec: must NOT have additional properties 'replica'",
    ]);
    expect(validateOpenTelemetryCollector({ ...collector, spec: { ...collector.spec, mode: 'job' } })[0]).toMatch(
      /^spec\.mode: must be equal to one of the allowed values/,
    );
  });

  it('fails when an aggregating pipeline asks for several replicas', () => {
    expect(() => synth({ aggregates: true, replicas: 3 })).toThrow(/test\/Collector: 'replicas' \(3\) must be 1: the pipeline aggregates series/);
  });

  it('fails when the image is not pinned', () => {
    expect(() => synth({ image: 'otel/opentelemetry-collector-contrib:latest' })).toThrow(
      /'image' \(otel\/opentelemetry-collector-contrib:latest\) must be pinned/,
    );
    expect(() => synth({ image: 'otel/opentelemetry-collector-contrib' })).toThrow(/must be pinned/);
  });

  it('fails when requests exceed limits', () => {
    expect(() => synth({ memoryRequestMiB: 1024 })).toThrow(/requests \(200m CPU, 1024 MiB\) must not exceed limits/);
  });

  it('fails when the config has no health_check extension', () => {
    const noHealth = { ...CONFIG, service: { ...CONFIG.service, extensions: [] } };
    expect(() => synth({ config: () => noHealth })).toThrow(/test\/Collector: the collector config enables no health_check extension/);
  });
});

describe('CollectorDeployment without the operator', () => {
  it('renders a ConfigMap, a Deployment probing health_check and a Service for the OTLP ports', () => {
    const objects = synth({ useOperator: false });
    const kinds = objects.map((o) => o.kind);
    expect(kinds.sort()).toEqual(['ConfigMap', 'Deployment', 'Service']);
    const configMap = objects.find((o) => o.kind === 'ConfigMap');
    expect(parse(configMap.data['collector.yaml'])).toEqual(CONFIG);
    const deployment = objects.find((o) => o.kind === 'Deployment');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.livenessProbe.httpGet).toEqual({ path: '/', port: 13133, scheme: 'HTTP' });
    expect(container.resources.requests).toEqual({ cpu: '200m', memory: '256Mi' });
    expect(container.securityContext.runAsNonRoot).toBe(true);
    expect(deployment.spec.replicas).toBe(1);
    const service = objects.find((o) => o.kind === 'Service');
    expect(service.spec.ports.map((p: { port: number }) => p.port)).toEqual([4317, 4318]);
    for (const object of objects) expect(object.metadata.annotations['kustomize.toolkit.fluxcd.io/substitute']).toBe('disabled');
  });
});
