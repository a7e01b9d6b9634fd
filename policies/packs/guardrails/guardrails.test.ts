import { describe, expect, it } from 'vitest';
import { analyzeQueries, findRuleQueries, inlineQuery } from '../../../analysis/promql';
import { checkSources } from '../../engine';
import { checkCandidateGuardrails, type CandidateProcessor } from './check';
import { createCandidateKeepsGuardrailsRule } from './candidate-keeps-guardrails';
import { guardrailQueries } from './guardrail-queries';
import { processorChanges } from './processor-changes';

const HIST = { name: 'http.server.request.duration', type: 'METRIC_DATA_TYPE_HISTOGRAM' };

describe('processorChanges', () => {
  it('reads the collector forms of filters, transforms, metricstransform and attributes', () => {
    expect(processorChanges('filter/x', 'filter', { metrics: { exclude: { match_type: 'strict', metric_names: ['a'] } } })[0]!.kind).toBe('drop');
    const agg = processorChanges('metricstransform/x', 'metricstransform', {
      transforms: [
        {
          include: 'http.server.request.duration',
          action: 'update',
          operations: [{ action: 'aggregate_labels', label_set: ['http.route'], aggregation_type: 'sum' }],
        },
      ],
    });
    expect(agg[0]).toMatchObject({ kind: 'keep-attributes', keep: ['http.route'], fn: 'sum' });
    expect(processorChanges('attributes/x', 'attributes', { actions: [{ key: 'user.id', action: 'delete' }] })[0]).toMatchObject({
      kind: 'remove-attributes',
      fn: 'collide',
    });
    expect(processorChanges('batch', 'batch', {})).toEqual([]);
    expect(processorChanges('spanmetrics', 'spanmetrics', {})[0]!.kind).toBe('opaque');
  });

  it('reads a delta start set to a number as no change (it decides which delta points merge, not an answer)', () => {
    const changes = processorChanges('transform/x', 'transform', {
      metric_statements: [
        { context: 'datapoint', statements: ['set(start_time_unix_nano, 0) where metric.aggregation_temporality == AGGREGATION_TEMPORALITY_DELTA'] },
      ],
    });
    expect(changes).toEqual([]);
    // any other value set stays opaque
    expect(
      processorChanges('transform/x', 'transform', {
        metric_statements: [{ context: 'datapoint', statements: ['set(start_time_unix_nano, time_unix_nano)'] }],
      })[0]!.kind,
    ).toBe('opaque');
  });

  it('treats keep_keys followed by aggregate_on_attributes over the same keys as one aggregation', () => {
    const changes = processorChanges('transform/x', 'transform', {
      metric_statements: [
        { context: 'datapoint', statements: ['keep_keys(attributes, ["http.route"]) where metric.name == "http.server.request.duration"'] },
        { context: 'metric', statements: ['aggregate_on_attributes("sum", ["http.route"]) where name == "http.server.request.duration"'] },
      ],
    });
    const applying = changes.filter((c) => c.kind === 'keep-attributes' && c.when(HIST) === true);
    expect(applying).toHaveLength(1);
    expect(applying[0]).toMatchObject({ fn: 'sum' });
  });
});

const RULES = `groups:
  - name: slo
    rules:
      - record: job:errors:ratio
        expr: |
          sum by (job) (rate(http_server_request_duration_seconds_count{http_response_status_code=~"5.."}[5m]))
            / sum by (job) (rate(http_server_request_duration_seconds_count[5m]))
      - record: job:latency:p99
        expr: histogram_quantile(0.99, sum by (le, job) (rate(http_server_request_duration_seconds_bucket[5m])))
`;

function keepAttributes(keep: string[], fn = 'sum'): CandidateProcessor {
  const list = JSON.stringify(keep);
  return {
    id: 'transform/candidate',
    type: 'transform',
    config: {
      metric_statements: [
        { context: 'datapoint', statements: [`keep_keys(attributes, ${list}) where metric.name == "http.server.request.duration"`] },
        { context: 'metric', statements: [`aggregate_on_attributes("${fn}", ${list}) where name == "http.server.request.duration"`] },
      ],
    },
  };
}

describe('checkCandidateGuardrails', () => {
  const queries = analyzeQueries(findRuleQueries('rules/slo.yaml', RULES).queries).analyzed;

  it('passes a candidate that keeps what the rules read and sums the rest', () => {
    expect(checkCandidateGuardrails([keepAttributes(['http.route', 'http.response.status_code'])], queries)).toEqual([]);
  });

  it('fails a candidate that merges away a label a matcher reads, at the selector in the rule file', () => {
    // GIVEN a candidate keeping only http.route WHEN checked against the SLO rules
    const [violation, ...rest] = checkCandidateGuardrails([keepAttributes(['http.route'])], queries);
    // THEN the error ratio changes, reported at the selector reading the status code
    expect(rest).toEqual([]);
    expect(violation).toMatchObject({
      verdict: 'changed',
      processorId: 'transform/candidate',
      line: 6,
      column: 30,
      metric: 'http_server_request_duration_seconds_count',
      label: 'http_response_status_code',
    });
    expect(violation!.query.origin.name).toBe('job:errors:ratio');
  });

  it('fails a candidate that merges with max under sum', () => {
    const violations = checkCandidateGuardrails([keepAttributes(['http.route', 'http.response.status_code'], 'max')], queries);
    expect(violations.map((v) => v.query.origin.name)).toEqual(['job:errors:ratio', 'job:latency:p99']);
    expect(violations[1]!.reason).toMatch(/max.*sum by \(le, job\)/);
  });

  it('fails a filter that drops a metric a guardrail reads and ignores other metrics', () => {
    const drop = (name: string): CandidateProcessor => ({
      id: 'filter/drop',
      type: 'filter',
      config: { error_mode: 'ignore', metrics: { metric: [`name == "${name}"`] } },
    });
    expect(checkCandidateGuardrails([drop('http.server.request.duration')], queries)).toHaveLength(2);
    expect(checkCandidateGuardrails([drop('http.server.active_requests')], queries)).toEqual([]);
  });

  it('relates resource attributes to job and instance', () => {
    const up = analyzeQueries([inlineQuery('sum by (instance) (up)', { file: 'x.ts', line: 1, column: 1 })]).analyzed;
    const removeInstance: CandidateProcessor = {
      id: 'resource/x',
      type: 'resource',
      config: { attributes: [{ key: 'service.instance.id', action: 'delete' }] },
    };
    expect(checkCandidateGuardrails([removeInstance], up)[0]).toMatchObject({ verdict: 'changed', label: 'instance' });
  });

  it('says unknown, not unchanged, for processors it does not model', () => {
    const [violation] = checkCandidateGuardrails([{ id: 'spanmetrics', type: 'spanmetrics', config: {} }], queries);
    expect(violation!.verdict).toBe('unknown');
  });
});

function experimentDocuments(phase: string, candidateKeeps: string[]): { manifest: string; collector: string } {
  const manifest = {
    manifestVersion: 1,
    name: 'checkout',
    environment: 'staging',
    phase,
    collector: { name: 'c', namespace: 'ns', productionPipeline: 'metrics' },
    variants: [
      { name: 'baseline', kind: 'baseline', shadowPipeline: 'metrics/base', processors: [] },
      { name: 'route-only', kind: 'candidate', shadowPipeline: 'metrics/route-only', processors: [] },
    ],
    guardrails: { queries: [{ name: 'job:errors:ratio', source: 'rules/slo.yaml:5', expr: findRuleQueries('r', RULES).queries[0]!.expr }] },
    promotion: { windowMinutes: 30, windows: 12, consecutivePasses: 4, failureLimit: 1 },
  };
  const configMap = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: checkout-phoenix-experiment\n  namespace: ns\n  labels: {phoenix.dev/experiment-manifest: "true"}\ndata:\n  experiment.json: ${JSON.stringify(JSON.stringify(manifest))}\n`;
  const collector = {
    apiVersion: 'opentelemetry.io/v1beta1',
    kind: 'OpenTelemetryCollector',
    metadata: { name: 'c', namespace: 'ns' },
    spec: {
      config: {
        receivers: { otlp: {} },
        exporters: { debug: {} },
        processors: { batch: {}, 'transform/candidate': keepAttributes(candidateKeeps).config },
        service: {
          pipelines: {
            metrics: { receivers: ['otlp'], processors: ['batch'], exporters: ['debug'] },
            'metrics/base': { receivers: ['otlp'], processors: ['batch'], exporters: ['debug'] },
            'metrics/route-only': { receivers: ['otlp'], processors: ['transform/candidate', 'batch'], exporters: ['debug'] },
          },
        },
      },
    },
  };
  return { manifest: configMap, collector: JSON.stringify(collector, null, 2) };
}

const readRules = (file: string): string | undefined => (file === 'rules/slo.yaml' ? RULES : undefined);

describe('guardrails/candidate-keeps-answers', () => {
  it('reports a rule-file guardrail at its file position, read through the given reader', () => {
    // GIVEN an experiment manifest whose guardrails come from a rule file, and the collector config
    const docs = experimentDocuments('running', ['http.route']);
    const rule = createCandidateKeepsGuardrailsRule(readRules);
    // WHEN phoenix check runs the rule
    const report = checkSources(
      [
        { file: 'gitops/manifest.yaml', text: docs.manifest },
        { file: 'gitops/collector.json', text: docs.collector },
      ],
      { rules: [rule], waiversFile: false },
    );
    // THEN one error at the processor names the rule file position and the label
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      ruleId: 'guardrails/candidate-keeps-answers',
      severity: 'error',
      file: 'gitops/collector.json',
      object: { kind: 'OpenTelemetryCollector', name: 'c' },
    });
    expect(report.findings[0]!.message).toMatch(/candidate 'route-only'.*rules\/slo\.yaml:6:30.*http_response_status_code/);
    expect(report.failed).toBe(true);
  });

  it('relates each collector only to the manifest of its own environment', () => {
    // GIVEN the same experiment in two environments, harmful only in staging
    const staging = experimentDocuments('running', ['http.route']);
    const dev = experimentDocuments('running', ['http.route', 'http.response.status_code']);
    const sources = [
      { file: 'gitops/experiments/dev/checkout/manifest.yaml', text: dev.manifest },
      { file: 'gitops/experiments/dev/checkout/collector.json', text: dev.collector },
      { file: 'gitops/experiments/staging/checkout/manifest.yaml', text: staging.manifest },
      { file: 'gitops/experiments/staging/checkout/collector.json', text: staging.collector },
    ];
    // WHEN checked together
    const report = checkSources(sources, { rules: [createCandidateKeepsGuardrailsRule(readRules)], waiversFile: false });
    // THEN only staging's collector is reported, once
    expect(report.findings.map((f) => f.file)).toEqual(['gitops/experiments/staging/checkout/collector.json']);
  });
});

describe('guardrailQueries', () => {
  it('finds rule-file and dashboard guardrails in their files, and expands dashboard queries it cannot read', () => {
    const dashboard = JSON.stringify({ panels: [{ title: 'Errors', targets: [{ refId: 'A', expr: 'sum(rate(x{job="$job"}[$__rate_interval]))' }] }] }, null, 2);
    const read = (file: string) => (file === 'rules/slo.yaml' ? RULES : file === 'dash/a.json' ? dashboard : undefined);
    const ruleExpr = findRuleQueries('r', RULES).queries[1]!.expr;
    const [rule, panel, unread] = guardrailQueries(
      [
        { name: 'p99', expr: ruleExpr, source: 'rules/slo.yaml:9' },
        { name: 'Errors A', expr: 'sum(rate(x{job="$job"}[$__rate_interval]))', source: "dash/a.json: panel 'Errors' target A" },
        { name: 'Gone A', expr: 'sum(rate(y[$__rate_interval]))', source: "dash/gone.json: panel 'Gone' target A" },
      ],
      'gitops/manifest.yaml',
      read,
    );
    expect(rule!.origin).toMatchObject({ file: 'rules/slo.yaml', line: 9, column: 15, name: 'p99' });
    expect(panel!.origin).toMatchObject({ file: 'dash/a.json', line: 8, column: 20, name: 'Errors A' });
    expect(panel!.expr).toBe('sum(rate(x{job="phoenix_var_job"}[4m]))');
    expect(unread!.expr).toBe('sum(rate(y[4m]))');
    expect(analyzeQueries([rule!, panel!, unread!]).problems).toEqual([]);
  });
});
