import { describe, expect, it } from 'vitest';
import { queriesFromDashboard, queriesFromRuleFile } from './guardrail-sources';
import { resolveGuardrails } from './guardrails';
import { findPromqlSyntaxError } from './promql-syntax';
import { resolvePromotion } from './promotion';

describe('findPromqlSyntaxError', () => {
  it('accepts production queries and points at the first error', () => {
    expect(findPromqlSyntaxError('histogram_quantile(0.99, sum by (le) (rate(x_bucket{job="a"}[5m])))')).toBeUndefined();
    expect(findPromqlSyntaxError('sum(rate(x[5m])) by (job')).toMatchObject({ line: 1 });
    expect(findPromqlSyntaxError('sum(\n  rate(x[5m]\n)')).toMatchObject({ line: 3 });
    expect(findPromqlSyntaxError('   ')).toMatchObject({ near: '(empty query)' });
  });

  it('applies the Prometheus 2.42 rules of the analysis parser, not syntax alone', () => {
    // a range vector where an instant vector is needed parses, but Prometheus refuses it
    expect(findPromqlSyntaxError('sum(x[5m])')).toMatchObject({ message: expect.stringMatching(/range vector|instant vector/) });
  });
});

describe('queriesFromRuleFile', () => {
  it('reads every rule expr with the line it starts on, block scalars included', () => {
    const text = 'groups:\n  - name: g\n    rules:\n      - record: a\n        expr: sum(up)\n      - alert: B\n        expr: |\n          up == 0\n';
    const result = queriesFromRuleFile(text, 'r.yaml');
    expect(result.problems).toEqual([]);
    expect(result.queries).toEqual([
      { name: 'a', expr: 'sum(up)', source: 'r.yaml:5' },
      { name: 'B', expr: 'up == 0\n', source: 'r.yaml:8' },
    ]);
  });

  it('reads PrometheusRule objects like the policies and the recommender do', () => {
    const text =
      'apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: { name: r }\nspec:\n  groups:\n    - name: g\n      rules:\n        - alert: Down\n          expr: up == 0\n';
    expect(queriesFromRuleFile(text, 'r.yaml')).toEqual({ queries: [{ name: 'Down', expr: 'up == 0', source: 'r.yaml:9' }], problems: [] });
  });

  it('fails when an expr does not parse, naming file:line:column', () => {
    const text = 'groups:\n  - name: g\n    rules:\n      - alert: B\n        expr: |\n          sum(up\n';
    expect(queriesFromRuleFile(text, 'r.yaml').problems).toEqual([expect.stringMatching(/^r\.yaml:6:\d+: rule 'B': PromQL error near /)]);
    const quoted = 'groups:\n  - name: g\n    rules:\n      - alert: B\n        expr: "sum(up{)"\n';
    expect(queriesFromRuleFile(quoted, 'r.yaml').problems).toEqual([expect.stringMatching(/^r\.yaml:5:\d+: rule 'B': PromQL error near /)]);
  });

  it('fails when the file is not a rule file', () => {
    expect(queriesFromRuleFile('rules: []\n', 'x.yaml').problems).toEqual([expect.stringMatching(/^x\.yaml:1:1: no rule groups found/)]);
    expect(queriesFromRuleFile('groups: [\n', 'x.yaml').problems[0]).toMatch(/^x\.yaml:\d+:\d+: invalid YAML/);
  });
});

describe('queriesFromDashboard', () => {
  it('reads panel targets, rows included, expands Grafana macros, and names a broken one', () => {
    const dashboard = JSON.stringify({
      panels: [
        { title: 'Rate', targets: [{ refId: 'A', expr: 'sum(rate(x[$__rate_interval]))' }] },
        { type: 'row', panels: [{ title: 'Bad', targets: [{ refId: 'C', expr: 'sum(' }] }] },
      ],
    });
    const result = queriesFromDashboard(dashboard, 'd.json');
    expect(result.queries.map((q) => q.source).sort()).toEqual(["d.json: panel 'Bad' target C", "d.json: panel 'Rate' target A"]);
    // the same expansion as the recommender and the policies: $__rate_interval is 4m everywhere
    expect(result.queries.find((q) => q.source.endsWith('target A'))?.expr).toBe('sum(rate(x[4m]))');
    expect(result.problems).toEqual([expect.stringMatching(/^d\.json:1:\d+: panel 'Bad' target C: PromQL error near /)]);
  });

  it('fails when the file is not JSON', () => {
    expect(queriesFromDashboard('{', 'd.json').problems[0]).toMatch(/^d\.json:\d+:\d+: invalid JSON/);
  });
});

describe('resolveGuardrails', () => {
  it('applies defaults and keeps per-query settings', () => {
    const { guardrails, problems } = resolveGuardrails({ queries: [{ name: 'up', expr: 'up', hard: false, tolerancePercent: 5 }] }, '/nowhere');
    expect(problems).toEqual([]);
    expect(guardrails.queries).toEqual([{ name: 'up', expr: 'up', source: 'inline', hard: false, tolerancePercent: 5 }]);
    expect(guardrails.minSavingsPercent).toBe(10);
    expect(guardrails.collectorHealth.maxMemoryPercent).toBe(80);
  });

  it('fails when names repeat or limits are out of range', () => {
    const { problems } = resolveGuardrails(
      {
        queries: [
          { name: 'a', expr: 'up' },
          { name: 'a', expr: 'up' },
        ],
        minSavingsPercent: 150,
        collectorHealth: { maxMemoryPercent: 120 },
      },
      '/nowhere',
    );
    expect(problems).toEqual([
      "guardrails.queries[1]: the name 'a' is used twice",
      'guardrails.collectorHealth.maxMemoryPercent (120) must be between 0 and 100',
      'guardrails.minSavingsPercent (150) must be between 0 and 100',
    ]);
  });
});

describe('resolvePromotion', () => {
  it('fails when passes or failures exceed the windows kept', () => {
    const { problems } = resolvePromotion({ windows: 3, consecutivePasses: 4, failureLimit: 5, bakeTimeMinutes: { prod: -1 } }, 30);
    expect(problems).toEqual([
      'promotion.consecutivePasses (4) cannot exceed promotion.windows (3)',
      'promotion.failureLimit (5) cannot exceed promotion.windows (3)',
      'promotion.bakeTimeMinutes.prod (-1) must be a whole number of minutes, 0 or more',
    ]);
  });
});
