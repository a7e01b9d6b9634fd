import { describe, expect, it } from 'vitest';
import { analyzeQueries, expandGrafanaQuery, findDashboardQueries, findRuleQueries, formatQueryProblem, inlineQuery } from '../../analysis/promql';

const RULES = `groups:
  - name: http
    rules:
      - alert: HighErrors
        expr: |
          sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))
            / sum by (job) (rate(http_requests_total[5m])) > 0.05
        for: 5m
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: Broken
        expr: "sum(rate(foo[5m]) by (x)"
      - alert: Newer
        expr: >-
          limitk(2,
            up)
`;

describe('findRuleQueries', () => {
  it('finds every rule expression with its group, name and file position', () => {
    // GIVEN a rule file with block, plain and quoted expressions
    const found = findRuleQueries('rules/http.yaml', RULES);
    // THEN each expression is found where it starts in the file
    expect(found.problems).toEqual([]);
    expect(found.queries.map((q) => [q.origin.name, q.origin.group, q.origin.line, q.origin.column])).toEqual([
      ['HighErrors', 'http', 6, 11],
      ['job:up:sum', 'http', 10, 15],
      ['Broken', 'http', 12, 16],
      ['Newer', 'http', 15, 11],
    ]);
  });

  it('reports a query that does not parse at its line and column in the file, never skipping it', () => {
    // GIVEN the rule file WHEN the queries are analysed
    const analysis = analyzeQueries(findRuleQueries('rules/http.yaml', RULES).queries);
    // THEN the good ones are analysed and the bad ones reported at file positions
    expect(analysis.analyzed.map((a) => a.query.origin.name)).toEqual(['HighErrors', 'job:up:sum']);
    expect(analysis.problems.map(formatQueryProblem)).toEqual([
      'rules/http.yaml:12:34: unexpected "by" (in "Broken")',
      'rules/http.yaml:15:11: the aggregation limitk needs Prometheus 2.54 (experimental); queries are checked against Prometheus 2.42 (in "Newer")',
    ]);
  });

  it('maps positions on later lines of a block scalar', () => {
    const [high] = findRuleQueries('r.yaml', RULES).queries;
    const offset = high!.expr.indexOf('http_requests_total[5m]');
    expect(high!.locate(offset)).toEqual({ line: 7, column: 34 });
  });

  it('reads PrometheusRule objects in a multi-document file and ignores other kinds', () => {
    const text = `apiVersion: v1
kind: ConfigMap
metadata: {name: other}
---
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: slo}
spec:
  groups:
    - name: slo
      rules:
        - record: x:rate5m
          expr: 'sum(rate(x_total[5m]))'
`;
    const found = findRuleQueries('k8s/rules.yaml', text);
    expect(found.problems).toEqual([]);
    expect(found.queries).toHaveLength(1);
    expect(found.queries[0]!.origin).toMatchObject({ source: 'prometheus-rule', name: 'x:rate5m', group: 'slo', line: 13, column: 18 });
  });

  it('reports malformed YAML and rules without expr with their positions', () => {
    const broken = findRuleQueries('bad.yaml', 'groups:\n  - name: a\n    rules: [\n');
    expect(broken.problems[0]).toMatchObject({ file: 'bad.yaml', message: expect.stringMatching(/invalid YAML/) });
    const noExpr = findRuleQueries('noexpr.yaml', 'groups:\n  - name: a\n    rules:\n      - record: r\n');
    expect(noExpr.problems).toEqual([{ file: 'noexpr.yaml', line: 4, column: 9, message: 'rule r has no expr' }]);
    expect(findRuleQueries('x.yaml', 'foo: bar\n').problems[0]!.message).toMatch(/no rule groups found/);
  });
});

const DASHBOARD = JSON.stringify(
  {
    title: 'Checkout',
    templating: { list: [{ name: 'job' }, { name: 'window' }] },
    panels: [
      {
        title: 'Requests',
        datasource: { type: 'prometheus' },
        targets: [{ refId: 'A', expr: 'sum by (route) (rate(http_requests_total{job=~"$job"}[$__rate_interval]))' }],
      },
      {
        type: 'row',
        title: 'Details',
        collapsed: true,
        panels: [
          { title: 'Latency', targets: [{ refId: 'B', expr: 'histogram_quantile(0.9, sum by (le) (rate(d_bucket{job="${job:regex}"}[[[window]]])))' }] },
        ],
      },
      { title: 'Logs', datasource: { type: 'loki' }, targets: [{ refId: 'C', expr: '{app="x"} |= "error"' }] },
      { title: 'Broken', targets: [{ refId: 'D', expr: 'sum(rate(x[$__range]) by (a)' }] },
    ],
  },
  null,
  2,
);

describe('findDashboardQueries', () => {
  it('finds Prometheus targets in panels and collapsed rows, skipping other data sources', () => {
    const found = findDashboardQueries('dash/checkout.json', DASHBOARD);
    expect(found.problems).toEqual([]);
    expect(found.queries.map((q) => [q.origin.name, q.origin.refId, q.origin.group])).toEqual([
      ['Requests', 'A', 'Checkout'],
      ['Latency', 'B', 'Checkout'],
      ['Broken', 'D', 'Checkout'],
    ]);
  });

  it('expands macros and variables into parseable placeholders that keep the labels read', () => {
    const found = findDashboardQueries('dash/checkout.json', DASHBOARD);
    const requests = found.queries.find((q) => q.origin.refId === 'A')!;
    expect(requests.expr).toBe('sum by (route) (rate(http_requests_total{job=~"phoenix_var_job"}[4m]))');
    expect(requests.variables).toEqual(['job']);
    const analysis = analyzeQueries(found.queries);
    expect(analysis.analyzed).toHaveLength(2);
    expect(analysis.analyzed.find((a) => a.query.origin.refId === 'A')!.usage.selectors[0]!.labels).toEqual({ kind: 'only', labels: ['job', 'route'] });
  });

  it('reports a broken panel query at its line and column in the JSON file', () => {
    const analysis = analyzeQueries(findDashboardQueries('dash/checkout.json', DASHBOARD).queries);
    const line = DASHBOARD.split('\n').findIndex((l) => l.includes('sum(rate(x[$__range])')) + 1;
    const column = DASHBOARD.split('\n')[line - 1]!.indexOf('sum(rate(x') + 1;
    expect(analysis.problems).toHaveLength(1);
    // "by" sits 24 characters into the original expression (after the 8-character macro)
    expect(analysis.problems[0]).toMatchObject({ file: 'dash/checkout.json', line, column: column + 'sum(rate(x[$__range]) '.length });
  });

  it('reads an API export ({ "dashboard": … }) and reports invalid JSON with its position', () => {
    const wrapped = findDashboardQueries('w.json', JSON.stringify({ dashboard: { panels: [{ targets: [{ expr: 'up' }] }] } }));
    expect(wrapped.queries.map((q) => q.expr)).toEqual(['up']);
    expect(findDashboardQueries('bad.json', '{\n  "panels": [\n    {"targets": [}\n  ]\n}').problems[0]).toMatchObject({
      line: 3,
      column: 18,
      message: expect.stringMatching(/invalid JSON/),
    });
    expect(findDashboardQueries('x.json', '{"a": 1}').problems[0]!.message).toMatch(/not a Grafana dashboard/);
  });
});

describe('expandGrafanaQuery', () => {
  it('maps offsets in the expanded text back to the original', () => {
    const expanded = expandGrafanaQuery('rate(x[$__rate_interval]) > $threshold', { rateInterval: '2m' });
    expect(expanded.text).toBe('rate(x[2m]) > phoenix_var_threshold');
    expect(expanded.originalOffset(expanded.text.indexOf('>'))).toBe(26);
    expect(expanded.originalOffset(expanded.text.indexOf('2m'))).toBe(7);
  });

  it('expands $__range_s and $__interval', () => {
    expect(expandGrafanaQuery('increase(x[$__range]) / $__range_s * $__interval_ms', { rangeSeconds: 600, range: '10m' }).text).toBe(
      'increase(x[10m]) / 600 * 60000',
    );
  });
});

describe('inlineQuery', () => {
  it('places an inline query and its later lines', () => {
    const q = inlineQuery('sum(\n  up)', { file: 'experiments/x.ts', line: 10, column: 15, name: 'availability' });
    expect(q.origin).toMatchObject({ file: 'experiments/x.ts', line: 10, column: 15, source: 'inline', name: 'availability' });
    expect(q.locate(q.expr.indexOf('up'))).toEqual({ line: 11, column: 3 });
  });
});
