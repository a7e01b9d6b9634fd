import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeQueries, findDashboardQueries, findRuleQueries, type FoundQuery } from '../../analysis/promql';

// Rendered monitoring-mixin files (test/fixtures/mixins/README.md): what Phoenix reads from them
// must be what Grafana sends to Prometheus, and Phoenix must accept exactly what promtool accepts.

const MIXINS = join(__dirname, '..', 'fixtures', 'mixins');
const dir = mkdtempSync(join(tmpdir(), 'phoenix-mixins-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const dashboard = (file: string) => findDashboardQueries(`mixins/${file}`, readFileSync(join(MIXINS, file), 'utf8'));

/** The indexes of the expressions the installed promtool (2.42) rejects, from one `promtool check rules` run. */
function promtoolRejected(exprs: readonly string[]): Set<number> {
  const probe = spawnSync('promtool', ['--version']);
  if (probe.status !== 0) throw new Error('promtool is not installed (Debian package prometheus): this test compares with it');
  const file = join(dir, 'rules.yaml');
  writeFileSync(file, `groups:\n- name: g\n  rules:\n${exprs.map((expr, i) => `  - record: r${i}\n    expr: ${JSON.stringify(expr)}\n`).join('')}`);
  const output = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
  return new Set([...`${output.stdout}${output.stderr}`.matchAll(/rule (\d+), "r/g)].map((m) => Number(m[1]) - 1));
}

function acceptedByBoth(queries: readonly FoundQuery[]) {
  const analysis = analyzeQueries(queries);
  const rejected = promtoolRejected(queries.map((q) => q.expr));
  return { problems: analysis.problems.map((p) => `${p.file}:${p.line}: ${p.message}`), rejectedByPromtool: [...rejected].map((i) => queries[i]!.expr) };
}

describe('Grafana variables that stand for PromQL code take the dashboard value', () => {
  it('reads topk($k, …) with the custom variable k as a number (aerospike)', () => {
    // GIVEN the aerospike overview, whose "Top node count" variable k is custom with current value 2
    const found = dashboard('aerospike-overview.json');
    // WHEN its queries are read THEN every one parses, for Phoenix and promtool alike
    expect(found.problems).toEqual([]);
    expect(acceptedByBoth(found.queries)).toEqual({ problems: [], rejectedByPromtool: [] });
    const top = found.queries.find((q) => q.origin.name === 'Top nodes by memory usage')!;
    expect(top.original).toMatch(/^topk\(\$k, /);
    expect(top.expr).toMatch(/^topk\(2, 100 - sum by\(job,aerospike_cluster,cluster, instance,ns\)/);
    // and the label matchers still read their labels through a placeholder
    expect(top.expr).toContain('job=~"phoenix_var_job"');
  });

  it('reads topk($k, …) with the textbox variable k as a number, and keeps the file position (cilium)', () => {
    const text = readFileSync(join(MIXINS, 'cilium-L3-policy.json'), 'utf8');
    const found = findDashboardQueries('mixins/cilium-L3-policy.json', text);
    expect(acceptedByBoth(found.queries)).toEqual({ problems: [], rejectedByPromtool: [] });
    const top = found.queries.find((q) => q.origin.name === 'Top Pod Ingress Packet Forward Rates')!;
    expect(top.expr.startsWith('topk(10, sum(rate(cilium_forward_count_total')).toBe(true);
    // a position after the substituted value maps back to the same text in the file
    const at = top.expr.indexOf('cilium_forward_count_total');
    const { line, column } = top.locate(at);
    const fileLine = text.split('\n')[line - 1]!;
    expect(fileLine.slice(column - 1).startsWith('cilium_forward_count_total')).toBe(true);
  });

  it('reads a custom variable that holds a set operator (hass: $Inactive is or / unless)', () => {
    const found = dashboard('hass.json');
    expect(acceptedByBoth(found.queries)).toEqual({ problems: [], rejectedByPromtool: [] });
    const switches = found.queries.find((q) => q.origin.name === 'Switch States')!;
    expect(switches.original).toContain('} $Inactive on (entity) label_replace(');
    expect(switches.expr).toContain('} or on (entity) label_replace(');
  });
});

describe('panels of a data source variable of another type are not PromQL', () => {
  it('skips targets whose { uid: "$datasource" } names a Loki data source variable (nginx logs)', () => {
    // GIVEN the nginx logs dashboard: every panel reads Loki through the variable datasource (query: loki)
    const found = dashboard('nginx-logs.json');
    // THEN no LogQL is taken for PromQL
    expect(found).toEqual({ queries: [], problems: [] });
  });

  it('skips a panel whose data source is "${lokidatasource}" and keeps the Prometheus panels (cortex slow queries)', () => {
    const found = dashboard('cortex-slow-queries.json');
    expect(found.queries.some((q) => q.original.includes('|= "query stats"'))).toBe(false);
    expect(acceptedByBoth(found.queries)).toEqual({ problems: [], rejectedByPromtool: [] });
  });
  it('skips targets of a data source an exported dashboard names as an input (${DS_LOKI}, pluginId loki)', () => {
    // GIVEN the shape Grafana's "Export for sharing externally" writes: __inputs, and targets naming them
    const exported = JSON.stringify({
      __inputs: [
        { name: 'DS_LOKI', label: 'Loki', type: 'datasource', pluginId: 'loki', pluginName: 'Loki' },
        { name: 'DS_PROMETHEUS', label: 'Prometheus', type: 'datasource', pluginId: 'prometheus', pluginName: 'Prometheus' },
      ],
      panels: [
        { title: 'logs', datasource: '${DS_LOKI}', targets: [{ refId: 'A', expr: 'sum by (level) (rate({env="local"} |= "error" [1m]))' }] },
        { title: 'lines', datasource: { uid: '${DS_LOKI}' }, targets: [{ refId: 'A', expr: '{job="x"} | logfmt' }] },
        { title: 'up', datasource: { uid: '${DS_PROMETHEUS}' }, targets: [{ refId: 'A', expr: 'sum by (job) (up)' }] },
      ],
      templating: { list: [{ name: 'logs', type: 'datasource', pluginId: 'loki' }] },
    });
    const found = findDashboardQueries('exported.json', exported);
    // THEN only the Prometheus panel is read
    expect(found.queries.map((q) => q.expr)).toEqual(['sum by (job) (up)']);
  });
});

describe('rule files without groups', () => {
  it('reads a rendered rules.yaml of {} as a file without rules, as promtool does (istio)', () => {
    const file = join(MIXINS, 'istio-rules.yaml');
    expect(findRuleQueries('mixins/istio-rules.yaml', readFileSync(file, 'utf8'))).toEqual({ queries: [], problems: [] });
    const output = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
    expect(output.status).toBe(0);
  });

  it('reads `groups:` and `groups: null` as no groups, and still reports an unknown field or a groups that is not a list', () => {
    expect(findRuleQueries('a.yaml', 'groups:\n')).toEqual({ queries: [], problems: [] });
    expect(findRuleQueries('a.yaml', 'groups: null\n')).toEqual({ queries: [], problems: [] });
    expect(findRuleQueries('a.yaml', 'foo: 1\n').problems.map((p) => p.message)).toEqual(['no rule groups found: expected groups to be a list']);
    expect(findRuleQueries('a.yaml', 'groups: 3\n').problems.map((p) => p.message)).toEqual(['no rule groups found: expected groups to be a list']);
  });
});
