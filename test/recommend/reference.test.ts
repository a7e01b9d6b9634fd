import { afterAll, describe, expect, it } from 'vitest';
import { compareRangeResults, selectionOf, strictForms } from '../../analysis/compare';
import { injectVariant, type AnalyzedQuery } from '../../analysis/promql';
import { groupFamilies, recommendReductions } from '../../analysis/recommend';
import { simulateProcessors, simulateValues } from '../../analysis/simulate';
import { PrometheusClient } from '../../clients/prometheus';
import { loadEnvironments } from '../../environments/load-environments';
import { alignedNowSeconds, startPrometheus, toOpenMetrics, type BackfillSeries, type TestPrometheus } from '../support/prometheus';
import { corpusNames, generateCorpusSeries, readCorpus, type Corpus } from './corpus';
import { readersOf, referenceCandidates, type ReferenceCandidate } from './reference';

// The brute-force reference of docs/recommend.md, per real-world corpus: for every family where a
// reduction of Phoenix's kind could leave fewer series than Phoenix's recommendation, every candidate
// (reference.ts) is run through the collector's processors (simulated value by value) and backfilled
// beside the corpus into a real Prometheus; a candidate counts only when every strict form of every
// query reading the family keeps its answer, and a smallest form reading the family itself is non-empty. The best per family is the
// reference; Phoenix's saving is reported beside it.

const STEP = 60;
const end = alignedNowSeconds(STEP) - 3600;
const start = end - 3600;
const times = Array.from({ length: (end - start) / STEP + 1 }, (_, i) => start + i * STEP);
const NAMES = corpusNames();

interface Evaluated {
  readonly candidate: ReferenceCandidate;
  readonly variant: string;
  readonly readers: readonly AnalyzedQuery[];
  /** The family's Prometheus series names. */
  readonly members: readonly string[];
}
let prometheus: TestPrometheus | undefined;
let client: PrometheusClient;

afterAll(async () => {
  await prometheus?.stop();
});

/**
 * One round on a fresh Prometheus: the corpus as the baseline, and per candidate the family's series
 * through the candidate's processors (simulated value by value) beside every other metric its readers read.
 */
async function backfillRound(
  corpus: Corpus,
  candidates: ReadonlyArray<{ candidate: ReferenceCandidate; readers: readonly AnalyzedQuery[]; members: ReadonlySet<string> }>,
): Promise<Evaluated[]> {
  await prometheus?.stop();
  prometheus = undefined;
  const indexOf = new Map<string, number[]>();
  corpus.series.forEach((s, i) => indexOf.set(s.name, [...(indexOf.get(s.name) ?? []), i]));
  const labelled = (labels: Readonly<Record<string, string>>, variant: string) => ({ ...labels, phoenix_experiment: corpus.name, phoenix_variant: variant });
  const backfill: BackfillSeries[] = corpus.series.map((s, i) => ({ name: s.name, labels: labelled(s.labels, 'baseline'), samples: corpus.samples[i]! }));
  const evaluated = candidates.map(({ candidate, readers, members }, n) => {
    const variant = `ref-${n}`;
    const input = [...members].flatMap((m) => indexOf.get(m) ?? []);
    const output = simulateValues(
      simulateProcessors(
        candidate.processors,
        { exporter: 'prometheusremotewrite' },
        input.map((i) => corpus.series[i]!),
        { trackValues: true },
      ).output,
      input.map((i) => corpus.samples[i]!),
    );
    for (const o of output) backfill.push({ name: o.name, labels: labelled(o.labels, variant), samples: o.samples });
    const metrics = new Set(readers.flatMap((q) => q.usage.selectors.map((s) => s.metric).filter((m): m is string => m !== undefined)));
    for (const m of metrics) {
      if (members.has(m)) continue;
      for (const i of indexOf.get(m) ?? []) backfill.push({ name: m, labels: labelled(corpus.series[i]!.labels, variant), samples: corpus.samples[i]! });
    }
    return { candidate, variant, readers, members: [...members] };
  });
  prometheus = await startPrometheus({ openMetrics: toOpenMetrics(backfill) });
  client = new PrometheusClient({ baseUrl: prometheus.url });
  return evaluated;
}

/** Whether the candidate keeps every strict answer of every query reading its family (and proves it on data). */
async function keepsEveryAnswer(corpus: string, e: Evaluated): Promise<boolean> {
  const from = start + 15 * 60;
  const readsFamily = (form: string) => e.members.some((m) => new RegExp(`(^|[^\\w:])${m}([^\\w:]|$)`).test(form));
  let proved = 0;
  for (const q of e.readers) {
    const forms = strictForms(q.query.expr);
    // proof needs data from the family itself: a non-empty equal answer of a form that reads it and holds
    // no smaller form that does (`A or B` proves nothing about B's family when only A answers)
    const familyForms = forms.filter(readsFamily);
    const minimal = new Set(familyForms.filter((f) => !familyForms.some((g) => g !== f && f.includes(g))));
    for (const form of forms) {
      const run = (variant: string) =>
        client.queryRange(injectVariant(form, corpus, variant), from, end, STEP).then(
          (r) => r,
          (error: Error) => ({ error: error.message }),
        );
      const [base, cand] = await Promise.all([run('baseline'), run(e.variant)]);
      if ('error' in base) continue;
      if ('error' in cand) return false;
      const same = compareRangeResults(base.result, cand.result, { ignoreLabels: ['phoenix_experiment', 'phoenix_variant'], selection: selectionOf(form) });
      if (!same.same) return false;
      if (base.result.length > 0 && minimal.has(form)) proved += 1;
    }
  }
  return proved > 0;
}

describe('the brute-force reference beside Phoenix, on the real-world corpora', () => {
  it.each(NAMES)(
    '%s: the best strictly lossless reduction of the same kind, and Phoenix beside it',
    async (name) => {
      const env = loadEnvironments()[0]!;
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
      const byMetric = new Map(report.metrics.map((m) => [m.metric, m]));
      const families = new Map(groupFamilies(corpus.series, corpus.families).map((f) => [f.name, f]));
      // Phoenix's own choice is proved strictly by corpora.test.ts: only a candidate leaving fewer series can beat it.
      // Round 1 merges every unread label of a family, round 2 (families round 1 could not reduce) each alone.
      const pending = [...referenceCandidates(corpus.series, corpus.families, corpus.queries)]
        .map(([family, candidates]) => ({ family, candidates: candidates.filter((c) => c.seriesAfter < byMetric.get(family)!.seriesAfter) }))
        .filter((p) => p.candidates.length > 0);
      const best = new Map<string, ReferenceCandidate>();
      let checked = 0;
      for (const round of [0, 1]) {
        const batch = pending
          .filter((p) => !best.has(p.family))
          .flatMap((p) => {
            const all = p.candidates[0]!.remove.length;
            const chosen = p.candidates.filter((c) => (round === 0 ? c.remove.length === all : c.remove.length < all));
            const family = families.get(p.family)!;
            return chosen.map((candidate) => ({ candidate, readers: readersOf(family, corpus.queries), members: new Set(family.seriesNames) }));
          });
        if (batch.length === 0) continue;
        checked += batch.length;
        for (const e of await backfillRound(corpus, batch)) {
          const family = e.candidate.family;
          if (best.has(family) && best.get(family)!.seriesAfter <= e.candidate.seriesAfter) continue;
          if (await keepsEveryAnswer(name, e)) best.set(family, e.candidate);
        }
      }
      const referenceAfter = report.metrics.reduce((n, m) => n + (best.get(m.metric)?.seriesAfter ?? m.seriesAfter), 0);
      const percent = (after: number) => ((report.seriesBefore - after) / report.seriesBefore) * 100;
      // THEN the reference is at least Phoenix (every Phoenix choice is one of its candidates, proved in corpora.test.ts)
      expect(referenceAfter).toBeLessThanOrEqual(report.seriesAfter);
      const gains = [...best].map(([family, c]) => {
        const m = byMetric.get(family)!;
        return `${family} ${m.seriesAfter}→${c.seriesAfter} (merge ${c.remove.join(', ')} with ${c.fn}${c.cumulative ? ' (cumulative)' : ''}; Phoenix: ${m.reason.slice(0, 200)})`;
      });
      console.log(
        `reference ${name}: series ${report.seriesBefore} → Phoenix ${report.seriesAfter} (−${percent(report.seriesAfter).toFixed(1)}%), reference ${referenceAfter} (−${percent(referenceAfter).toFixed(1)}%), ` +
          `gap ${(percent(referenceAfter) - percent(report.seriesAfter)).toFixed(1)} points; ${checked} candidates checked strictly over ${pending.length} families\n  ${gains.join('\n  ')}`,
      );
    },
    600_000,
  );
});
