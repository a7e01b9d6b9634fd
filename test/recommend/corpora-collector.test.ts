import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recommendReductions, renderExperimentSource } from '../../analysis/recommend';
import type { MetricType, Series } from '../../analysis/series';
import { simulateProcessors, simulateValues } from '../../analysis/simulate';
import { PrometheusClient } from '../../clients/prometheus';
import { loadEnvironments } from '../../environments/load-environments';
import { logTail, startCollector, type TestCollector } from '../support/collector-run';
import { startSampleExposition, type SampleExposition } from '../support/exposition';
import { startPrometheus, type TestPrometheus } from '../support/prometheus';
import { corpusNames, generateCorpusSeries, readCorpus, type Corpus } from './corpus';
import { candidateProcessors, makeLayout } from './support';

// The real collector beside the simulation, on every real-world corpus: the corpus's series are
// exposed for scraping (values from the generated samples, one sample per scrape), the REAL
// collector scrapes them into two pipelines — the baseline, and the written experiment's candidate
// processors as rendered — and writes both into a real Prometheus. What the candidate lands must be,
// series by series and value by value, what analysis/simulate predicts from what the baseline
// landed. corpora.test.ts proves the simulated candidate keeps every strict answer; this test proves
// the real collector does what the simulation says.

const SCRAPES = 6;
const NAMES = corpusNames();
let prometheus: TestPrometheus;
let client: PrometheusClient;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  prometheus = await startPrometheus({ remoteWriteReceiver: true, lookbackDelta: '3s' });
  client = new PrometheusClient({ baseUrl: prometheus.url });
}, 60_000);

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await prometheus?.stop();
});

const key = (name: string, labels: Readonly<Record<string, string>>) => `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)))}`;
const strip = (metric: Readonly<Record<string, string>>) =>
  Object.fromEntries(Object.entries(metric).filter(([k]) => k !== '__name__' && k !== 'phoenix_experiment' && k !== 'phoenix_variant'));

async function run(name: string) {
  const read = readCorpus(name);
  const times = Array.from({ length: SCRAPES + 4 }, (_, i) => i * 60);
  const corpus: Corpus = { ...read, ...generateCorpusSeries(read, times) };
  const env = loadEnvironments()[0]!;
  const report = recommendReductions({
    series: corpus.series,
    families: corpus.families,
    queries: corpus.queries,
    unreadable: corpus.unreadable,
    problems: corpus.problems,
    priceModel: env.priceModel,
  });
  if (!report.metrics.some((m) => m.recommended)) return { ran: false as const, report };
  const file = (prefix: string) => Object.fromEntries([...corpus.files].filter(([f]) => f.startsWith(prefix)).map(([f, t]) => [f.slice(prefix.length), t]));
  const layout = makeLayout({ series: corpus.series, samples: [], families: corpus.families, rules: file('rules/'), dashboards: file('dashboards/') });
  cleanups.push(layout.cleanup);
  const experiment = `real-${name}`.replace(/[^a-z0-9-]/g, '-').slice(0, 60);
  const whole = new Set([...corpus.wholeRuleFiles, ...corpus.wholeDashboards]);
  fs.writeFileSync(
    `${layout.root}/experiments/${experiment}.ts`,
    renderExperimentSource({
      name: experiment,
      metrics: report.metrics,
      baseDirectory: '..',
      ruleFiles: corpus.wholeRuleFiles,
      dashboards: corpus.wholeDashboards,
      inlineQueries: corpus.queries
        .filter((q) => !whole.has(q.query.origin.file))
        .map((q, i) => ({ name: `q${i} (${q.query.origin.file}:${q.query.origin.line})`, expr: q.query.expr })),
      minSavingsPercent: 10,
      provenance: 'Written by a test.',
      naming: 'scraped',
    }),
  );
  const processors = candidateProcessors(layout.root, experiment);

  // a scraped histogram is consistent (buckets cumulative in le, +Inf = count, the sum moves with the
  // count), as every client library exposes it: buckets and sum follow the family's count series (the
  // generator draws them apart). Rounding a share of the count down lets a bucket's own count drop by one
  // now and then, which cumulativetodelta reads as a reset: that stream's next delta starts a scrape earlier
  // than the others', the case the written processors' start alignment exists for (ADR 0137)
  const countIndex = new Map(corpus.series.map((s, i) => [key(s.name, s.labels), i] as const));
  const SHARES: Readonly<Record<string, number>> = { '0.1': 0.5, '1': 0.8, '+Inf': 1 };
  const histogramCount = (name: string, labels: Readonly<Record<string, string>>) => countIndex.get(key(`${name}_count`, labels));
  const valueAt = (i: number, at: number): number => {
    const s = corpus.series[i]!;
    if (s.name.endsWith('_sum') && s.type === 'histogram') {
      const count = histogramCount(s.name.slice(0, -'_sum'.length), s.labels);
      if (count !== undefined) return 0.25 * corpus.samples[count]![at]![1];
    }
    if (!s.name.endsWith('_bucket') || s.labels.le === undefined) return corpus.samples[i]![at]![1];
    const { le, ...rest } = s.labels;
    const count = countIndex.get(key(`${s.name.slice(0, -'_bucket'.length)}_count`, rest));
    return count === undefined ? corpus.samples[i]![at]![1] : Math.floor((SHARES[le] ?? 1) * corpus.samples[count]![at]![1]);
  };
  let scrape = 0;
  const exposition: SampleExposition = await startSampleExposition(
    () => {
      const at = Math.min(scrape++, times.length - 1);
      return corpus.series.map((s, i) => ({ name: s.name, labels: s.labels, value: valueAt(i, at) }));
    },
    new Map([...corpus.families].map(([family, meta]) => [family, meta.type === 'histogram' ? 'histogram' : meta.type === 'counter' ? 'counter' : 'gauge'])),
  );
  cleanups.push(() => exposition.close());
  const writer = (variant: string) => ({ endpoint: prometheus.remoteWriteUrl, external_labels: { phoenix_experiment: name, phoenix_variant: variant } });
  const config = {
    receivers: {
      'prometheus/corpus': {
        config: {
          scrape_configs: [
            { job_name: 'corpus', honor_labels: true, scrape_interval: '1s', scrape_timeout: '1s', static_configs: [{ targets: [exposition.target] }] },
          ],
        },
      },
    },
    processors: { batch: { timeout: '200ms' }, ...Object.fromEntries(processors.map((p) => [p.id, p.config])) },
    exporters: { 'prometheusremotewrite/baseline': writer('baseline'), 'prometheusremotewrite/recommended': writer('recommended') },
    service: {
      pipelines: {
        'metrics/baseline': { receivers: ['prometheus/corpus'], processors: ['batch'], exporters: ['prometheusremotewrite/baseline'] },
        'metrics/recommended': {
          receivers: ['prometheus/corpus'],
          processors: [...processors.map((p) => p.id), 'batch'],
          exporters: ['prometheusremotewrite/recommended'],
        },
      },
    },
  };
  const collector: TestCollector = await startCollector({ config });
  cleanups.push(() => collector.stop());
  await exposition.waitForScrapes(SCRAPES, 60_000);
  // up to the scrape before the last one: every point of it has gone through both pipelines and been written
  const at = Date.now() / 1000 - 1.5;
  await new Promise((resolve) => setTimeout(resolve, 2000));
  // the exporter appends `_total` to a counter whose name lacks it (`pg_stat_activity_count` lands as
  // `pg_stat_activity_count_total`): such series are the corpus's too
  const names = new Set(corpus.series.flatMap((s) => (s.type === 'counter' && !s.name.endsWith('_total') ? [s.name, `${s.name}_total`] : [s.name])));
  const landed = async (variant: string) => {
    const r = await client.query(`{phoenix_experiment="${name}", phoenix_variant="${variant}"}[1m]`, at);
    if (r.resultType !== 'matrix') throw new Error('expected a matrix');
    return r.result.filter((s) => names.has(s.metric.__name__!));
  };
  return { ran: true as const, corpus, report, processors, collector, baseline: await landed('baseline'), candidate: await landed('recommended') };
}

async function expectAsSimulated(name: string): Promise<void> {
  const result = await run(name);
  if (!result.ran) {
    // nothing recommended (node-exporter): no candidate to run, and the report says why per family (recommend-corpora.md)
    expect(result.report.seriesAfter).toBe(result.report.seriesBefore);
    return;
  }
  const { corpus, report, processors, collector, baseline, candidate } = result;
  expect(baseline.length, logTail(collector)).toBeGreaterThan(0);
  const typeOf = new Map(corpus.series.flatMap((s) => [[s.name, s.type ?? 'gauge'] as const, [`${s.name}_total`, s.type ?? 'gauge'] as const]));
  const input: Series[] = baseline.map((s) => ({ name: s.metric.__name__!, labels: strip(s.metric), type: typeOf.get(s.metric.__name__!) as MetricType }));
  const samples = baseline.map((s) => s.values.map(([t, v]) => [t, Number(v)] as [number, number]));
  const predicted = simulateValues(simulateProcessors(processors, { exporter: 'prometheusremotewrite' }, input, { trackValues: true }).output, samples);
  const real = new Map(candidate.map((s) => [key(s.metric.__name__!, strip(s.metric)), s.values] as const));
  // THEN the same series, with the same points
  expect([...real.keys()].sort()).toEqual(predicted.map((p) => key(p.name, p.labels)).sort());
  let points = 0;
  for (const p of predicted) {
    const actual = real.get(key(p.name, p.labels))!;
    expect(
      actual.map(([t]) => t),
      `${p.name} ${JSON.stringify(p.labels)}`,
    ).toEqual(p.samples.map(([t]) => t));
    actual.forEach(([, v], i) =>
      expect(Math.abs(Number(v) - p.samples[i]![1]), `${p.name} ${JSON.stringify(p.labels)}`).toBeLessThanOrEqual(1e-9 * Math.abs(p.samples[i]![1])),
    );
    points += actual.length;
  }
  // AND not vacuous: the collector landed every series of the corpus for the baseline and exactly the reported ones for the candidate
  const changed = report.metrics.filter((m) => m.recommended).length;
  expect(baseline.length).toBe(report.seriesBefore);
  expect(real.size).toBe(report.seriesAfter);
  expect(real.size).toBeLessThan(baseline.length);
  console.log(
    `real collector ${name}: ${baseline.length} series landed for the baseline, ${real.size} for the candidate (${changed} families changed), ${points} points equal to the simulation`,
  );
}

describe('the written candidates in the real collector agree with the simulation (real-world corpora)', () => {
  it.each(NAMES)('%s: the candidate lands what the simulation predicts from the baseline, value by value', (name) => expectAsSimulated(name), 120_000);
});
