import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeQueries, findDashboardQueries, findRuleQueries, parsePromQL } from '../../analysis/promql';
import { compileMatcherRegex } from '../../analysis/promql/strings';
import type { FamilyMetadata, Series } from '../../analysis/series';
import { ABSOLUTE_SUM_CAVEAT, recommendReductions } from '../../analysis/recommend';
import { loadEnvironments } from '../../environments/load-environments';
import { simulateProcessors, simulateValues } from '../../analysis/simulate';
import type { Scenario } from './scenario';
import { candidateProcessors, makeLayout, recommendInto, scenarioQueries } from './support';

// Regression tests built from real-world queries of the corpora in test/fixtures/corpora
// (their sources and licences are in test/fixtures/corpora/README.md).

const CORPORA = path.resolve(__dirname, '../fixtures/corpora');
const read = (file: string) => fs.readFileSync(path.join(CORPORA, file), 'utf8');
const cleanups: Array<() => void> = [];
afterAll(() => cleanups.forEach((c) => c()));

describe('recommend on real-world queries', () => {
  it('keeps `quantile` on a gauge family: the report and the rendered processors agree (prometheus mixin)', () => {
    // GIVEN the prometheus mixin's panel `max by (slice) (prometheus_engine_query_duration_seconds{quantile="0.9"})`,
    // read from the committed dashboard, over a summary exposed as gauges with an unread pod label
    const found = findDashboardQueries('prometheus.json', read('prometheus/dashboards/prometheus.json')).queries;
    const panel = found.find((q) => q.expr.includes('prometheus_engine_query_duration_seconds{') && q.expr.includes('max by'));
    expect(panel?.expr).toMatch(/max by \(slice\)/);
    const series: Series[] = [];
    for (const quantile of ['0.5', '0.9', '0.99'])
      for (const slice of ['inner_eval', 'prepare_time', 'queue_time', 'result_sort'])
        for (const pod of ['p0', 'p1', 'p2']) {
          series.push({
            name: 'prometheus_engine_query_duration_seconds',
            labels: { job: 'prometheus', instance: 'prom-0', quantile, slice, pod },
            type: 'gauge',
          });
        }
    const families = new Map<string, FamilyMetadata>([['prometheus_engine_query_duration_seconds', { type: 'gauge' }]]);
    const scenario: Scenario = {
      series,
      samples: [],
      families,
      rules: {},
      dashboards: { 'prometheus.json': JSON.stringify({ panels: [{ type: 'timeseries', targets: [{ expr: panel!.expr }] }] }) },
    };
    const layout = makeLayout(scenario);
    cleanups.push(layout.cleanup);
    // WHEN recommending and running the written candidate's processors
    const report = recommendInto(layout.root, scenario, 'quantile-gauge');
    const rec = report.metrics.find((m) => m.metric === 'prometheus_engine_query_duration_seconds')!;
    const output = simulateProcessors(candidateProcessors(layout.root, 'quantile-gauge'), { exporter: 'prometheusremotewrite' }, series).output;
    // THEN quantile and slice are kept, the pods merge with max, and the rendered config leaves exactly the reported series
    expect(rec).toMatchObject({ recommended: true, function: 'max', remove: ['pod'], seriesBefore: 36, seriesAfter: 12 });
    expect(output.length).toBe(rec.seriesAfter);
    expect(new Set(output.map((s) => s.labels.quantile))).toEqual(new Set(['0.5', '0.9', '0.99']));
  });

  it(
    'merges a counter every query reads as an absolute value as cumulative values (awesome-prometheus-alerts PostgresqlTooManyConnections)',
    { timeout: 120_000 },
    () => {
      // GIVEN the real rule file: pg_stat_activity_count (a counter by its name) read only as `sum by (instance, job, server) (…) > …`
      // and `sum by (datname) (…) < 5`, never through rate(), with an unread pod label
      const file = 'postgresql-postgres-exporter.yml';
      const rules = read(`awesome-prometheus-alerts/rules/${file}`);
      expect(rules).toContain('sum by (instance, job, server) (pg_stat_activity_count) > min by (instance, job, server) (pg_settings_max_connections * 0.8)');
      const series: Series[] = [];
      for (const datname of ['app', 'reports'])
        for (const pod of ['p0', 'p1', 'p2']) {
          series.push({ name: 'pg_stat_activity_count', labels: { job: 'postgres', instance: 'db-0', server: 'db-0:5432', datname, pod }, type: 'counter' });
        }
      series.push({ name: 'pg_settings_max_connections', labels: { job: 'postgres', instance: 'db-0', server: 'db-0:5432' }, type: 'gauge' });
      const families = new Map<string, FamilyMetadata>([
        ['pg_stat_activity_count', { type: 'counter' }],
        ['pg_settings_max_connections', { type: 'gauge' }],
      ]);
      const scenario: Scenario = { series, samples: [], families, rules: { [file]: rules }, dashboards: {} };
      const layout = makeLayout(scenario);
      cleanups.push(layout.cleanup);
      // WHEN recommending, writing the experiment and rendering its candidate as the generator does (the pipeline rules run there)
      const report = recommendInto(layout.root, scenario, 'absolute-counter');
      const rec = report.metrics.find((m) => m.metric === 'pg_stat_activity_count')!;
      const processors = candidateProcessors(layout.root, 'absolute-counter');
      // THEN the pods merge with sum as cumulative values: no delta conversion around it
      expect(rec).toMatchObject({ recommended: true, function: 'sum', remove: ['pod'], deltaConversion: false, seriesBefore: 6, seriesAfter: 2 });
      expect(rec.caveats).toContain(ABSOLUTE_SUM_CAVEAT);
      expect(processors.some((p) => p.id.startsWith('cumulative_to_delta'))).toBe(false);
      // AND the written experiment synthesizes and passes phoenix check (the delta-conversion rule exempts the declared sums)
      const phoenix = (...args: string[]) => spawnSync(process.execPath, ['bin/phoenix', ...args], { cwd: layout.root, encoding: 'utf8' });
      fs.writeFileSync(path.join(layout.root, 'experiments', 'absolute-counter.state.yaml'), 'version: 1\nenvironments:\n  dev:\n    phase: running\n');
      const synth = phoenix('synth', '-o', 'gitops');
      expect(synth.status, synth.stderr).toBe(0);
      const check = phoenix('check', 'gitops', '--format', 'json');
      expect(check.status, check.stdout + check.stderr).toBe(0);
      const findings = (JSON.parse(check.stdout) as { findings: Array<{ severity: string; message: string }> }).findings;
      expect(findings.filter((f) => f.severity === 'error' || /counter/.test(f.message))).toEqual([]);
      // AND at every scrape, a pod's restart included, the merged series is the sum the queries compute on the originals
      const counters = series.filter((s) => s.name === 'pg_stat_activity_count');
      const samples = counters.map((_, i) => [0, 60, 120, 180].map((t, k): [number, number] => [t, i === 1 && k >= 2 ? 3 * (k - 1) : 100 * (i + 1) + 7 * k]));
      const output = simulateValues(simulateProcessors(processors, { exporter: 'prometheusremotewrite' }, counters, { trackValues: true }).output, samples);
      expect(output).toHaveLength(2);
      for (const out of output) {
        const members = counters.flatMap((s, i) => (s.labels.datname === out.labels.datname ? [i] : []));
        expect(out.samples).toEqual([0, 60, 120, 180].map((t, k) => [t, members.reduce((sum, i) => sum + samples[i]![k]![1], 0)]));
      }
      // AND a reader through rate() would stop it: merged as cumulative values, one pod's reset would read as a reset of the sum
      const withRate: Scenario = {
        ...scenario,
        rules: { [file]: rules, 'rate.yml': 'groups:\n- name: r\n  rules:\n  - record: x\n    expr: sum(rate(pg_stat_activity_count[5m]))\n' },
      };
      const { priceModel } = loadEnvironments()[0]!;
      const mixed = recommendReductions({ series, families, queries: scenarioQueries(withRate), priceModel }).metrics.find(
        (m) => m.metric === 'pg_stat_activity_count',
      )!;
      expect(mixed).toMatchObject({ recommended: false, action: 'keep' });
      expect(mixed.reason).toMatch(/without rate\/increase\/irate/);
    },
  );

  it('parses queries with `# comments` (snmp mixin SNMPInterfaceDown, prometheus mixin dashboards)', () => {
    // GIVEN every query of the snmp and prometheus corpora that holds a comment line
    const found = [
      ...findRuleQueries('alerts.yaml', read('snmp/rules/alerts.yaml')).queries,
      ...findDashboardQueries('prometheus.json', read('prometheus/dashboards/prometheus.json')).queries,
      ...findDashboardQueries('prometheus-remote-write.json', read('prometheus/dashboards/prometheus-remote-write.json')).queries,
    ].filter((q) => /(^|\n)\s*#/.test(q.expr) || / # /.test(q.expr));
    expect(found.length).toBeGreaterThanOrEqual(2);
    const alert = found.find((q) => q.origin.name === 'SNMPInterfaceDown');
    expect(alert?.expr).toMatch(/# only alert if interface is adminatratively up/);
    // WHEN parsing them (SNMPInterfaceDown also uses RE2's scoped flag group `(?i:…)`)
    const { analyzed, problems } = analyzeQueries(found);
    // THEN none is unsupported, and the selectors after a comment are seen
    expect(problems.map((p) => p.message)).toEqual([]);
    expect(analyzed.length).toBe(found.length);
    const matcher = analyzed.flatMap((a) => a.usage.selectors.flatMap((sel) => sel.matchers)).find((m) => m.name === 'ifAlias' && m.value.includes('uplink'))!;
    expect(compileMatcherRegex(matcher.value).regex!.test('Core UPLINK to ISP')).toBe(true);
    expect(compileMatcherRegex(matcher.value).regex!.test('office printer')).toBe(false);
    const comment = parsePromQL('(ifOperStatus{ifAlias=~"uplink"}) == 2\n# only alert if interface is adminatratively up:\nand (ifAdminStatus{}) != 2\n');
    expect(comment.ok && comment.expr.kind).toBe('binary');
  });

  it('reads a rule file that is only `null` or `{}` as a file without groups (redis and snmp mixin rules.yaml)', () => {
    const text = read('redis/rules/rules.yaml');
    expect(text).toBe('null\n');
    expect(findRuleQueries('rules.yaml', text)).toEqual({ queries: [], problems: [] });
    // so is `{}` (snmp mixin rules.yaml; promtool: 0 rules found); a sequence is still a problem
    expect(read('snmp/rules/rules.yaml')).toBe('{}\n');
    expect(findRuleQueries('rules.yaml', read('snmp/rules/rules.yaml'))).toEqual({ queries: [], problems: [] });
    expect(findRuleQueries('rules.yaml', '[]\n').problems).toHaveLength(1);
  });

  it('binds `offset` to the operand before it (awesome-prometheus-alerts KubernetesContainerOomKiller)', () => {
    const found = findRuleQueries('k.yml', read('awesome-prometheus-alerts/rules/kubernetes-kubestate-exporter.yml')).queries.find(
      (q) => q.origin.name === 'KubernetesContainerOomKiller',
    )!;
    const parsed = parsePromQL(found.expr);
    expect(parsed.ok).toBe(true);
    const text = JSON.stringify(parsed.ok ? parsed.expr : undefined);
    expect(text).toMatch(/"metric":"kube_pod_container_status_restarts_total","offset":"10m"/);
  });
});
