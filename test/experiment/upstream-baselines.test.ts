/**
 * Published collector configs imported as experiment baselines (test/fixtures/collector-configs):
 * a candidate is judged on what it adds, not on what the baseline already does (ADR 0194).
 */
import path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { CollectorPipeline, Processor } from '../../constructs/collector';
import type { ExperimentTarget } from '../../constructs/experiment/definition';
import { Experiment, type ExperimentProps } from '../../constructs/experiment/experiment';

const COUCHBASE = path.resolve(__dirname, '..', 'fixtures', 'collector-configs', 'contrib-couchbase.yaml');
const EJECTIONS = 'couchbase.bucket.item.ejection.count';
const OPERATIONS = 'couchbase.bucket.operation.count';

const target: ExperimentTarget = {
  environment: 'dev',
  namespace: 'observability',
  remoteWriteUrl: 'https://prod.example/api/v1/push',
  shadowRemoteWriteUrl: 'https://shadow.example/api/v1/push',
  scrapeIntervalSeconds: 60,
  lifecycle: { phase: 'running' },
};

function experiment(candidate: ExperimentProps['candidates'][number], scope: ExperimentProps['scope']): () => Experiment {
  return () =>
    new Experiment(new Chart(Testing.app(), 'upstream'), 'couchbase', {
      target,
      baseline: CollectorPipeline.fromYaml(COUCHBASE),
      scope,
      candidates: [candidate],
      guardrails: { queries: [{ name: 'operations', expr: `sum(rate({__name__="${OPERATIONS}"}[5m]))` }] },
      promotion: { windowMinutes: 30, windows: 2, consecutivePasses: 1 },
    });
}

describe('opentelemetry-collector-contrib examples/couchbase as a baseline', () => {
  it("keeps the baseline's own order and aggregation problems as warnings of the imported pipeline", () => {
    const warnings = CollectorPipeline.fromYaml(COUCHBASE).warnings();
    expect(warnings).toContainEqual(expect.stringMatching(/'metricstransform\/couchbase' aggregates counters across series.*\(pipeline kept as imported\)$/));
  });

  it('accepts a candidate that drops one metric after the baseline transform, where Phoenix places it', () => {
    // GIVEN a candidate with one filter, placed after the baseline's metricstransform and transform; the
    // scope names the metric both as scraped (the scope filter runs first) and as renamed (the candidate runs last)
    const build = experiment({ name: 'drop', processors: [Processor.filterMetrics({ name: 'drop', dropNames: [EJECTIONS] })] }, [
      /kv_ep_num_value_ejects|couchbase\.bucket\.item\.ejection\.count/,
    ]);
    // THEN the experiment builds: neither the baseline's merge nor the placement is the candidate's problem
    expect(build).not.toThrow();
    const config = build().renderedConfig();
    expect(config.service.pipelines['metrics/phoenix-couchbase-drop']?.processors).toEqual([
      'filter/phoenix-couchbase-scope',
      'filter/couchbase',
      'metricstransform/couchbase',
      'transform/couchbase',
      'filter/phoenix-couchbase-drop',
    ]);
  });

  it("still refuses what the candidate itself does wrong, in the production pipeline's terms", () => {
    // GIVEN a candidate merging a counter across series without delta conversion
    const build = experiment(
      { name: 'merge', processors: [Processor.keepAttributes({ name: 'merge', metrics: [{ name: OPERATIONS, type: 'sum' }], keep: ['bucket'] })] },
      [/kv_ops|couchbase\.bucket\.operation\.count/],
    );
    // THEN it is refused, naming its own processor, and not for the baseline's metricstransform
    expect(build).toThrow(/candidate 'merge' \(as it would run in production\): .*'transform\/merge' aggregates counters across series/);
    expect(build).not.toThrow(/candidate 'merge'[^\n]*'metricstransform\/couchbase' aggregates/);
  });
});
