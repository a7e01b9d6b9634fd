/**
 * `phoenix recommend` at scale: N series (PHOENIX_BENCH_RECOMMEND_SERIES, default 200,000; the
 * issue's figure is 1,000,000) over 1,000 metric families (counters, histograms, gauges) with
 * per-user and per-pod labels, and Q queries (PHOENIX_BENCH_RECOMMEND_QUERIES, default 1,000)
 * reading them through rate/sum/max/histogram_quantile (a tenth read raw). Times query analysis
 * (parse + usage) and the recommendation, and reports peak RSS. Baseline, measured in the same
 * run over the same series: one bare pass that groups the series by family and counts them
 * (the least any recommender must do).
 */
import { analyzeQueries, inlineQuery } from '../analysis/promql';
import { groupFamilies, recommendReductions } from '../analysis/recommend';
import { GRAFANA_CLOUD_PRO } from '../analysis/cost';
import type { FamilyMetadata, Series } from '../analysis/series';

const SERIES = Number(process.env.PHOENIX_BENCH_RECOMMEND_SERIES ?? 200_000);
const QUERIES = Number(process.env.PHOENIX_BENCH_RECOMMEND_QUERIES ?? 1_000);
const FAMILIES = 1_000;
const BUCKETS = ['0.05', '0.1', '0.5', '1', '5', '+Inf'];

function makeEstate(): { series: Series[]; families: Map<string, FamilyMetadata>; exprs: string[] } {
  const families = new Map<string, FamilyMetadata>();
  const kinds = ['counter', 'histogram', 'gauge'] as const;
  const names = Array.from({ length: FAMILIES }, (_, i) => {
    const kind = kinds[i % 3]!;
    const name = kind === 'counter' ? `app_${i}_requests_total` : kind === 'histogram' ? `app_${i}_duration_seconds` : `app_${i}_in_flight`;
    families.set(name, { type: kind });
    return { name, kind };
  });
  const routes = Array.from({ length: 20 }, (_, i) => `/api/r${i}`);
  const series: Series[] = [];
  const perFamily = Math.ceil(SERIES / FAMILIES);
  for (const { name, kind } of names) {
    for (let j = 0; j < perFamily && series.length < SERIES;) {
      const labels = {
        job: 'shop/app',
        instance: `gw-${j % 4}`,
        http_route: routes[(j >> 2) % routes.length]!,
        k8s_pod_name: `pod-${(j >> 4) % 8}`,
        user_id: `u${j >> 7}`,
      };
      if (kind === 'histogram') {
        for (const le of BUCKETS) series.push({ name: `${name}_bucket`, labels: { ...labels, le }, type: 'histogram' });
        series.push({ name: `${name}_sum`, labels, type: 'histogram' }, { name: `${name}_count`, labels, type: 'histogram' });
        j += BUCKETS.length + 2;
      } else {
        series.push({ name, labels, type: kind });
        j += 1;
      }
    }
  }
  const exprs = Array.from({ length: QUERIES }, (_, i) => {
    const { name, kind } = names[i % FAMILIES]!;
    if (i % 10 === 9) return kind === 'histogram' ? `${name}_count > 0` : `${name} > 0`;
    if (kind === 'counter') return i % 2 ? `sum by (job, http_route) (rate(${name}[5m]))` : `sum(increase(${name}{http_route="/api/r1"}[1h]))`;
    if (kind === 'histogram') return `histogram_quantile(0.99, sum by (le, http_route) (rate(${name}_bucket[5m])))`;
    return `max by (http_route) (${name})`;
  });
  return { series, families, exprs };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

/** Prints time and peak memory of query analysis and recommendation, and the ratio to a bare grouping pass. */
export async function run(): Promise<void> {
  const built = Date.now();
  const { series, families, exprs } = makeEstate();
  process.stdout.write(
    `recommend: ${series.length.toLocaleString('en-US')} series in ${FAMILIES} families, ${exprs.length} queries (built in ${Date.now() - built} ms)\n`,
  );

  let started = process.hrtime.bigint();
  const { analyzed } = analyzeQueries(exprs.map((e, i) => inlineQuery(e, { file: 'bench.rules.yaml', line: i + 1, column: 1 })));
  const analysisMs = Number(process.hrtime.bigint() - started) / 1e6;

  started = process.hrtime.bigint();
  const grouped = groupFamilies(series, families);
  const baselineMs = Number(process.hrtime.bigint() - started) / 1e6;

  started = process.hrtime.bigint();
  const report = recommendReductions({ series, families, queries: analyzed, priceModel: GRAFANA_CLOUD_PRO, dropUnused: true });
  const recommendMs = Number(process.hrtime.bigint() - started) / 1e6;

  const peak = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`  query analysis: ${analysisMs.toFixed(0)} ms (${((exprs.length / analysisMs) * 1000).toFixed(0)} queries/s)\n`);
  process.stdout.write(
    `  recommend: ${recommendMs.toFixed(0)} ms (${((series.length / recommendMs) * 1000).toFixed(0)} series/s), ${report.metrics.filter((m) => m.recommended).length} of ${grouped.length} families changed, series ${report.seriesBefore.toLocaleString('en-US')} → ${report.seriesAfter.toLocaleString('en-US')} (−${report.savingPercent.toFixed(1)}%)\n`,
  );
  process.stdout.write(
    `  baseline (group by family, one pass): ${baselineMs.toFixed(0)} ms; recommend / baseline = ${(recommendMs / baselineMs).toFixed(1)}×\n`,
  );
  process.stdout.write(`  peak RSS: ${mib(peak)}\n`);
  process.stdout.write(`recommend: ${(recommendMs / baselineMs).toFixed(2)}× floor (group by family, one pass; time, lower is better)\n`);
}
