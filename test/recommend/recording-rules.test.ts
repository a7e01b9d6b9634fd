import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeQueries, findRuleQueries } from '../../analysis/promql';
import { recommendReductions } from '../../analysis/recommend';
import { loadEnvironments } from '../../environments/load-environments';
import { generateCorpusSeries } from './corpus';

// kube-prometheus's control-plane PrometheusRule (test/fixtures/recording-rules/README.md): series
// generated for every metric its queries read, recommended as `phoenix recommend` does.

const FILE = 'test/fixtures/recording-rules/kubernetesControlPlane-prometheusRule.yaml';

describe('phoenix recommend on the kubernetes mixin recording rules', () => {
  const found = findRuleQueries(FILE, fs.readFileSync(path.resolve(__dirname, '../..', FILE), 'utf8'));
  const { analyzed, problems } = analyzeQueries(found.queries);
  const generated = generateCorpusSeries({ queries: analyzed }, [1764064800]);
  const report = recommendReductions({
    series: generated.series,
    families: generated.families,
    queries: analyzed,
    priceModel: loadEnvironments()[0]!.priceModel,
  });
  const recorded = new Set(found.queries.filter((q) => q.origin.rule === 'record').map((q) => q.origin.name!));

  it('reads every rule, and tells recording rules from alerts', () => {
    expect(found.problems).toEqual([]);
    expect(problems).toEqual([]);
    expect(found.queries.filter((q) => q.origin.rule === 'record')).toHaveLength(71);
    expect(recorded.size).toBe(41); // some names are recorded by several rules (one per cluster label set)
    expect(found.queries.find((q) => q.origin.name === 'KubeAPIErrorBudgetBurn')?.origin.rule).toBe('alert');
  });

  it('never changes a family a recording rule writes, and says which rule writes it', () => {
    // GIVEN the families of the snapshot that the file's recording rules write (read by its alerts and other rules)
    const written = report.metrics.filter((m) => recorded.has(m.metric));
    expect(written.length).toBeGreaterThan(10);
    // THEN none is recommended or counted as a saving
    expect(written.filter((m) => m.recommended || m.seriesAfter !== m.seriesBefore).map((m) => m.metric)).toEqual([]);
    const increase30d = report.metrics.find((m) => m.metric === 'code_verb:apiserver_request_total:increase30d')!;
    const line = found.queries.find((q) => q.origin.name === 'code_verb:apiserver_request_total:increase30d')!.origin.line;
    expect(increase30d.reason).toBe(`written by the recording rule at ${FILE}:${line}:9: Prometheus computes it, the collector never carries it`);
  });

  it('still recommends merging the scraped metrics the recording rules read', () => {
    const requests = report.metrics.find((m) => m.metric === 'apiserver_request_total')!;
    expect(requests.recommended).toBe(true);
    expect(requests.seriesAfter).toBeLessThan(requests.seriesBefore);
  });
});
