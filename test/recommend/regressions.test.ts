import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeQueries, findDashboardQueries, findRuleQueries, parsePromQL } from '../../analysis/promql';
import { compileMatcherRegex } from '../../analysis/promql/strings';
import type { FamilyMetadata, Series } from '../../analysis/series';
import { simulateProcessors } from '../../analysis/simulate';
import type { Scenario } from './scenario';
import { candidateProcessors, makeLayout, recommendInto } from './support';

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
    for (const quantile of ['0.5', '0.9', '0.99']) for (const slice of ['inner_eval', 'prepare_time', 'queue_time', 'result_sort']) for (const pod of ['p0', 'p1', 'p2']) {
      series.push({ name: 'prometheus_engine_query_duration_seconds', labels: { job: 'prometheus', instance: 'prom-0', quantile, slice, pod }, type: 'gauge' });
    }
    const families = new Map<string, FamilyMetadata>([['prometheus_engine_query_duration_seconds', { type: 'gauge' }]]);
    const scenario: Scenario = {
      series, samples: [], families, rules: {},
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

  it('reads a rule file that is only `null` as a file without groups (redis mixin rules.yaml)', () => {
    const text = read('redis/rules/rules.yaml');
    expect(text).toBe('null\n');
    expect(findRuleQueries('rules.yaml', text)).toEqual({ queries: [], problems: [] });
    // a sequence is still a problem (promtool rejects it too: snmp mixin rules.yaml)
    expect(findRuleQueries('rules.yaml', read('snmp/rules/rules.yaml')).problems).toHaveLength(1);
  });

  it('binds `offset` to the operand before it (awesome-prometheus-alerts KubernetesContainerOomKiller)', () => {
    const found = findRuleQueries('k.yml', read('awesome-prometheus-alerts/rules/kubernetes-kubestate-exporter.yml')).queries.find((q) => q.origin.name === 'KubernetesContainerOomKiller')!;
    const parsed = parsePromQL(found.expr);
    expect(parsed.ok).toBe(true);
    const text = JSON.stringify(parsed.ok ? parsed.expr : undefined);
    expect(text).toMatch(/"metric":"kube_pod_container_status_restarts_total","offset":"10m"/);
  });
});
