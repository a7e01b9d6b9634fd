import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findDashboardQueries, findRuleQueries } from '../../analysis/promql';
import { resolveGuardrails } from '../../constructs/experiment/guardrails';
import { guardrailQueries } from '../../policies/packs/guardrails/guardrail-queries';

/**
 * One PromQL source reader: an experiment's guardrails (constructs), the guardrail policies and the
 * recommender read the same rule files, PrometheusRule objects and Grafana dashboards to the same
 * expressions — `$__rate_interval` and the dashboard variables included. Real published inputs:
 * kube-prometheus's PrometheusRule for kube-state-metrics and the node-exporter mixin's dashboard.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const RULE = 'test/fixtures/guardrail-sources/kube-state-metrics-prometheusRule.yaml';
const DASHBOARD = 'test/fixtures/corpora/node-exporter/dashboards/nodes.json';

describe('one PromQL source reader for constructs, policies and the recommender', () => {
  const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

  it('reads a published PrometheusRule object and a Grafana dashboard to the same expressions everywhere', () => {
    // GIVEN an experiment whose guardrails come from the PrometheusRule and the dashboard
    const { guardrails, problems } = resolveGuardrails({ ruleFiles: [RULE], dashboards: [DASHBOARD] }, ROOT);
    expect(problems).toEqual([]);
    const fromExperiment = guardrails.queries.map((q) => q.expr);
    // WHEN the recommender reads the same files (findRuleQueries / findDashboardQueries, as `phoenix recommend --rules --dashboards` does)
    const fromRecommender = [...findRuleQueries(RULE, read(RULE)).queries, ...findDashboardQueries(DASHBOARD, read(DASHBOARD)).queries].map((q) => q.expr);
    // AND the guardrail policies resolve what the experiment manifest records back in those files
    const manifestGuardrails = guardrails.queries.map(({ name, expr, source }) => ({ name, expr, source }));
    const fromPolicies = guardrailQueries(manifestGuardrails, 'gitops/experiments/dev/x/manifest.yaml', (file) => read(file));
    // THEN all three hold the same expressions, in the same order
    expect(fromExperiment).toEqual(fromRecommender);
    expect(fromPolicies.map((q) => q.expr)).toEqual(fromRecommender);
    // AND each policy query points into the file it came from, not at the manifest
    expect(fromPolicies.map((q) => q.origin.file)).toEqual(guardrails.queries.map((q) => (q.source.startsWith(RULE) ? RULE : DASHBOARD)));
    // AND the PrometheusRule's four alerts are all there, with the line of each expression
    const rules = guardrails.queries.filter((q) => q.source.startsWith(`${RULE}:`));
    expect(rules.map((q) => q.name)).toEqual([
      'KubeStateMetricsListErrors',
      'KubeStateMetricsWatchErrors',
      'KubeStateMetricsShardingMismatch',
      'KubeStateMetricsShardsMissing',
    ]);
    expect(rules.map((q) => q.source)).toEqual([`${RULE}:23`, `${RULE}:36`, `${RULE}:49`, `${RULE}:59`]);
    // AND the dashboard's $__rate_interval reads as one window everywhere, never as the macro
    const panels = guardrails.queries.filter((q) => q.source.startsWith(`${DASHBOARD}:`));
    const withRateInterval = findDashboardQueries(DASHBOARD, read(DASHBOARD)).queries.filter((q) => q.original.includes('$__rate_interval'));
    expect(withRateInterval.length).toBeGreaterThan(0);
    expect(panels.length).toBeGreaterThan(withRateInterval.length);
    for (const q of withRateInterval) expect(q.expr).toMatch(/\[4m\]/);
    expect(fromExperiment.join('\n')).not.toContain('$__rate_interval');
  });
});
