import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { CollectorComponent } from '../collector/component';
import type { CollectorConfig } from '../collector/config';
import { normaliseScope, outOfScopeCondition, unmatchedScopeEntries } from './scope';
import { candidateProcessorProblems, renderPromotedConfig, renderShadowConfig, withoutShadow } from './shadow';

const BASELINE: CollectorConfig = {
  receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' } } }, prometheus: { config: { scrape_configs: [{ job_name: 'node' }] } } },
  processors: { memory_limiter: { check_interval: '1s', limit_percentage: 80 }, batch: { timeout: '5s' } },
  exporters: { prometheusremotewrite: { endpoint: 'https://prod.example/api/v1/push' } },
  extensions: { health_check: { endpoint: '0.0.0.0:13133' } },
  service: {
    extensions: ['health_check'],
    pipelines: { metrics: { receivers: ['otlp', 'prometheus'], processors: ['memory_limiter', 'batch'], exporters: ['prometheusremotewrite'] } },
  },
};

function processor(id: string, config: Record<string, unknown>): CollectorComponent {
  const [type] = id.split('/');
  return { kind: 'processor', type, id, render: () => structuredClone(config) };
}

const KEEP_ROUTE = processor('transform/keep-route', { error_mode: 'ignore', metric_statements: [] });
const SCOPE = normaliseScope(['http.server.request.duration', /process\.runtime\..*/]).scope;

function shadow() {
  return renderShadowConfig({
    experiment: 'http',
    baseline: BASELINE,
    pipeline: 'metrics',
    scope: SCOPE,
    candidates: [{ name: 'keep-route', processors: [KEEP_ROUTE] }],
    destination: { remoteWriteUrl: 'https://shadow.example/api/v1/push', headers: { 'X-Scope-OrgID': 'phoenix-shadow' } },
  });
}

describe('renderShadowConfig', () => {
  it('leaves every production entry byte-identical and in place', () => {
    // GIVEN a baseline WHEN the shadow is added THEN removing the shadow gives the same bytes
    const before = stringify(BASELINE);
    const config = shadow();
    expect(stringify(withoutShadow(config, 'http'))).toBe(before);
    expect(stringify(BASELINE)).toBe(before);
    expect(Object.keys(config.service.pipelines)[0]).toBe('metrics');
  });

  it('adds one pipeline per variant that reads the production receivers', () => {
    const pipelines = shadow().service.pipelines;
    expect(Object.keys(pipelines)).toEqual(['metrics', 'metrics/phoenix-http-baseline', 'metrics/phoenix-http-keep-route', 'metrics/phoenix-http-telemetry']);
    expect(pipelines['metrics/phoenix-http-baseline'].receivers).toEqual(['otlp', 'prometheus']);
    expect(pipelines['metrics/phoenix-http-keep-route'].processors).toEqual([
      'memory_limiter',
      'filter/phoenix-http-scope',
      'transform/phoenix-http-keep-route',
      'batch',
    ]);
  });

  it('adds no receiver of production data (nothing is scraped twice): only the collector reading its own telemetry', () => {
    const { ['prometheus/phoenix-http-telemetry']: telemetry, ...receivers } = shadow().receivers as Record<string, any>;
    expect(receivers).toEqual(BASELINE.receivers);
    const job = telemetry.config.scrape_configs[0];
    expect(job.static_configs).toEqual([{ targets: ['127.0.0.1:8888'] }]);
    // the variant comes from the component ids Phoenix chose; the experiment is stamped
    expect(job.metric_relabel_configs).toContainEqual({
      source_labels: ['exporter'],
      regex: '[^/]+/phoenix-http-(baseline|keep-route)',
      target_label: 'phoenix_variant',
      replacement: '$$1',
    });
    expect(job.metric_relabel_configs).toContainEqual({ target_label: 'phoenix_experiment', replacement: 'http' });
    expect(shadow().service.pipelines['metrics/phoenix-http-telemetry']).toEqual({
      receivers: ['prometheus/phoenix-http-telemetry'],
      processors: ['memory_limiter', 'batch'],
      exporters: ['prometheus_remote_write/phoenix-http-telemetry'],
    });
  });

  it('labels each variant through its own shadow exporter', () => {
    const exporters = shadow().exporters as Record<string, { endpoint: string; external_labels: Record<string, string>; headers?: object }>;
    expect(exporters['prometheus_remote_write/phoenix-http-keep-route']).toEqual({
      endpoint: 'https://shadow.example/api/v1/push',
      headers: { 'X-Scope-OrgID': 'phoenix-shadow' },
      external_labels: { phoenix_experiment: 'http', phoenix_variant: 'keep-route' },
    });
    expect(exporters['prometheus_remote_write/phoenix-http-baseline'].external_labels.phoenix_variant).toBe('baseline');
  });

  it('filters every shadow to the scope with one OTTL condition', () => {
    const filter = (shadow().processors as Record<string, { metrics: { metric: string[] } }>)['filter/phoenix-http-scope'];
    expect(filter.metrics.metric).toEqual(['not (name == "http.server.request.duration" or IsMatch(name, "^(?:process\\\\.runtime\\\\..*)$"))']);
  });

  it('fails when the production pipeline does not exist', () => {
    expect(() =>
      renderShadowConfig({
        ...{ experiment: 'x', baseline: BASELINE, scope: SCOPE, candidates: [], destination: { remoteWriteUrl: 'u' } },
        pipeline: 'metrics/app',
      }),
    ).toThrow(/the baseline has no pipeline 'metrics\/app' \(metrics pipelines: metrics\)/);
  });
});

describe('renderPromotedConfig', () => {
  it('runs the candidate in the production pipeline before batch, with its own ids', () => {
    const config = renderPromotedConfig(BASELINE, 'metrics', { name: 'keep-route', processors: [KEEP_ROUTE] });
    expect(config.service.pipelines.metrics.processors).toEqual(['memory_limiter', 'transform/keep-route', 'batch']);
    expect(config.processors?.['transform/keep-route']).toEqual(KEEP_ROUTE.render());
    expect(Object.keys(config.service.pipelines)).toEqual(['metrics']);
    expect(config.exporters).toEqual(BASELINE.exporters);
  });
});

describe('candidateProcessorProblems', () => {
  it('fails when a candidate reuses a baseline id, brings its own batch, or repeats an id', () => {
    const problems = candidateProcessorProblems(BASELINE, {
      name: 'c',
      processors: [processor('memory_limiter', {}), processor('batch/x', {}), KEEP_ROUTE, KEEP_ROUTE],
    });
    expect(problems).toEqual([
      expect.stringMatching(/remove 'memory_limiter'/),
      expect.stringMatching(/remove 'batch\/x'/),
      expect.stringMatching(/'transform\/keep-route' appears twice/),
    ]);
  });

  it('fails when a bare and a named processor would share one shadow id', () => {
    const problems = candidateProcessorProblems(BASELINE, { name: 'c', processors: [processor('transform', {}), processor('transform/c', {})] });
    expect(problems).toEqual([expect.stringMatching(/'transform\/c' and 'transform' would share one shadow id/)]);
  });
});

describe('scope', () => {
  it('fails when a pattern uses flags or lookaround', () => {
    expect(normaliseScope([/a/i]).problems[0]).toMatch(/flags are not supported.*\(\?i\)/);
    expect(normaliseScope([/a(?!b)/]).problems[0]).toMatch(/lookaround/);
    expect(normaliseScope([]).problems[0]).toMatch(/'scope' is empty/);
  });

  it('reports entries that match no known metric', () => {
    const scope = normaliseScope(['a.b', /jvm\..*/, /go\..*/]).scope;
    expect(unmatchedScopeEntries(scope, ['a.b', 'jvm.memory.used'])).toEqual(['/go\\..*/']);
  });

  it('quotes names in OTTL', () => {
    expect(outOfScopeCondition({ names: ['we"ird'], patterns: [] })).toBe('not (name == "we\\"ird")');
  });
});
