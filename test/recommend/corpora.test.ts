import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRangeResults, selectionOf, strictForms } from '../../analysis/compare';
import { injectVariant } from '../../analysis/promql';
import { recommendReductions, renderExperimentSource, type RecommendationReport } from '../../analysis/recommend';
import { simulateProcessors, simulateValues } from '../../analysis/simulate';
import { PrometheusClient } from '../../clients/prometheus';
import { loadEnvironments } from '../../environments/load-environments';
import { alignedNowSeconds, startPrometheus, toOpenMetrics, type BackfillSeries, type TestPrometheus } from '../support/prometheus';
import { corpusNames, generateCorpusSeries, readCorpus, type Corpus } from './corpus';
import { candidateProcessors, makeLayout } from './support';

// Every real-world corpus of test/fixtures/corpora: series generated for every metric its queries
// read (plus unqueried high-cardinality labels), `phoenix recommend` on them, the written
// experiment's candidate simulated value by value, and input and output backfilled side by side
// into a real Prometheus. Every strict form of every query must keep its answer.

const STEP = 60;
const end = alignedNowSeconds(STEP) - 3600;
const start = end - 3600;
const times = Array.from({ length: (end - start) / STEP + 1 }, (_, i) => start + i * STEP);
const NAMES = corpusNames();

interface Result {
  corpus: Corpus;
  report: RecommendationReport;
  seriesAfter: number;
}
const results = new Map<string, Result>();
const cleanups: Array<() => void> = [];
let prometheus: TestPrometheus;
let client: PrometheusClient;

beforeAll(async () => {
  const env = loadEnvironments()[0]!;
  const backfill: BackfillSeries[] = [];
  for (const name of NAMES) {
    const read = readCorpus(name);
    const corpus: Corpus = { ...read, ...generateCorpusSeries(read, times) };
    const report = recommendReductions({
      series: corpus.series,
      families: corpus.families,
      queries: corpus.queries,
      unreadable: corpus.unreadable,
      problems: corpus.problems,
      priceModel: env.priceModel,
    });
    const labelled = (labels: Readonly<Record<string, string>>, variant: string) => ({ ...labels, phoenix_experiment: name, phoenix_variant: variant });
    corpus.series.forEach((s, i) => backfill.push({ name: s.name, labels: labelled(s.labels, 'baseline'), samples: corpus.samples[i]! }));
    let outputs: BackfillSeries[] = corpus.series.map((s, i) => ({ name: s.name, labels: s.labels, samples: corpus.samples[i]! }));
    if (report.metrics.some((m) => m.recommended)) {
      const file = (prefix: string) => Object.fromEntries([...corpus.files].filter(([f]) => f.startsWith(prefix)).map(([f, t]) => [f.slice(prefix.length), t]));
      const layout = makeLayout({ series: corpus.series, samples: [], families: corpus.families, rules: file('rules/'), dashboards: file('dashboards/') });
      cleanups.push(layout.cleanup);
      const experiment = `corpus-${name}`.replace(/[^a-z0-9-]/g, '-').slice(0, 60);
      const source = renderExperimentSource({
        name: experiment,
        metrics: report.metrics,
        baseDirectory: '..',
        ruleFiles: corpus.wholeRuleFiles,
        dashboards: corpus.wholeDashboards,
        inlineQueries: inlineOf(corpus),
        minSavingsPercent: 10,
        provenance: 'Written by a test.',
      });
      (await import('node:fs')).writeFileSync(`${layout.root}/experiments/${experiment}.ts`, source);
      const result = simulateProcessors(candidateProcessors(layout.root, experiment), { exporter: 'prometheusremotewrite' }, corpus.series, {
        trackValues: true,
      });
      outputs = simulateValues(result.output, corpus.samples).map((o) => ({ name: o.name, labels: o.labels, samples: o.samples }));
    }
    for (const o of outputs) backfill.push({ name: o.name, labels: labelled(o.labels, 'recommended'), samples: o.samples });
    results.set(name, { corpus, report, seriesAfter: outputs.length });
  }
  prometheus = await startPrometheus({ openMetrics: toOpenMetrics(backfill) });
  client = new PrometheusClient({ baseUrl: prometheus.url });
}, 600_000);

/** Queries of files that cannot be referenced whole, inline (as `phoenix recommend` writes them). */
function inlineOf(corpus: Corpus) {
  const whole = new Set([...corpus.wholeRuleFiles, ...corpus.wholeDashboards]);
  return corpus.queries
    .filter((q) => !whole.has(q.query.origin.file))
    .map((q, i) => ({ name: `${q.query.origin.name ?? 'query'} (${q.query.origin.file}:${q.query.origin.line}) #${i}`, expr: q.query.expr }));
}

afterAll(async () => {
  await prometheus?.stop();
  for (const cleanup of cleanups) cleanup();
});

async function compare(corpus: string, query: string) {
  const from = start + 15 * 60;
  const run = (variant: string) =>
    client.queryRange(injectVariant(query, corpus, variant), from, end, STEP).then(
      (r) => r,
      (e: Error) => ({ error: e.message }),
    );
  const [base, cand] = await Promise.all([run('baseline'), run('recommended')]);
  // The baseline rejected (many-to-one matching: the generated unqueried labels duplicate series a
  // query expects once per instance) has no answer to keep: counted apart. A candidate rejected alone is a change.
  if ('error' in base) return { errorBoth: true, empty: false, same: true, differences: [] };
  if ('error' in cand) return { errorBoth: false, empty: false, same: false, differences: [cand.error] };
  return {
    errorBoth: false,
    empty: base.result.length === 0 && cand.result.length === 0,
    ...compareRangeResults(base.result, cand.result, { ignoreLabels: ['phoenix_experiment', 'phoenix_variant'], selection: selectionOf(query) }),
  };
}

describe('phoenix recommend on real-world corpora, strictly, on a real Prometheus', () => {
  it.each(NAMES)('%s: the rendered candidate leaves the reported series and changes no strict answer', async (name) => {
    const { corpus, report, seriesAfter } = results.get(name)!;
    // THEN the simulated rendered config and the report agree on the series left
    expect(seriesAfter).toBe(report.seriesAfter);
    let compared = 0;
    let nonEmptyEqual = 0;
    let errors = 0;
    const changed: string[] = [];
    for (const q of corpus.queries) {
      for (const form of strictForms(q.query.expr)) {
        const result = await compare(name, form);
        compared += 1;
        if (result.errorBoth) errors += 1;
        else if (!result.same) changed.push(`${q.query.origin.file}:${q.query.origin.line}: ${form} — ${JSON.stringify(result.differences[0])}`);
        else if (!result.empty) nonEmptyEqual += 1;
      }
    }
    // THEN no strict form of any query changes, and most are non-empty (not vacuous)
    expect(changed).toEqual([]);
    expect(nonEmptyEqual).toBeGreaterThan(compared / 3);
    console.log(
      `corpus ${name}: series ${report.seriesBefore} → ${report.seriesAfter} (−${report.savingPercent.toFixed(1)}%), ` +
        `${corpus.queries.length} queries, ${compared} strict forms compared, ${nonEmptyEqual} non-empty in both and equal, ${errors} rejected by Prometheus on the baseline, ${changed.length} changed, ` +
        `${report.metrics.filter((m) => m.recommended).length}/${report.metrics.length} families changed, ${corpus.problems.length} not analysed`,
    );
  });
});
