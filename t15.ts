import { corpusNames, readCorpus, generateCorpusSeries, strictForms } from './test/recommend/corpus';
import { recommendReductions } from './analysis/recommend';
import { loadEnvironments } from './environments/load-environments';
const times = Array.from({length: 61}, (_, i) => 1_700_000_000 + i*60);
const env = loadEnvironments()[0]!;
for (const n of corpusNames()) {
  const c = readCorpus(n); const g = generateCorpusSeries(c, times);
  const t0 = Date.now();
  const r = recommendReductions({ series: g.series, families: g.families, queries: c.queries, unreadable: c.unreadable, problems: c.problems, priceModel: env.priceModel });
  const forms = c.queries.flatMap(q => strictForms(q.query.expr));
  console.log(n, c.queries.length, forms.length, g.series.length, r.seriesBefore, '→', r.seriesAfter, r.savingPercent.toFixed(1)+'%', r.metrics.filter(m=>m.recommended).length, 'recommended of', r.metrics.length, Date.now()-t0, 'ms');
}
