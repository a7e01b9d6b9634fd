import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costEstimatorFor } from '../../app/bot/review/cost-source';
import { reviewRefs } from '../../app/bot/review/review-refs';
import { alignedNowSeconds, startPrometheus, toOpenMetrics, type BackfillSeries, type OpenMetricsType, type TestPrometheus } from '../support/prometheus';
import { GitFixture } from './support/git-fixture';

const ROOT = path.join(__dirname, '..', '..');

/** The example snapshot's series, re-timed to now so they are active. */
function exampleSeriesNow(): { series: BackfillSeries[]; types: Record<string, OpenMetricsType> } {
  const now = alignedNowSeconds();
  const types: Record<string, OpenMetricsType> = {};
  const series: BackfillSeries[] = [];
  for (const line of fs.readFileSync(path.join(ROOT, 'experiments', 'snapshots', 'example.prom'), 'utf8').split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) types[type[1]] = type[2] as OpenMetricsType;
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!sample || line.startsWith('#')) continue;
    const labels = Object.fromEntries([...(sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    series.push({
      name: sample[1],
      labels,
      samples: [
        [now - 60, Number(sample[3])],
        [now, Number(sample[3])],
      ],
    });
  }
  return { series, types };
}

describe('phoenix review cost from a real Prometheus', () => {
  let prometheus: TestPrometheus;

  beforeAll(async () => {
    const { series, types } = exampleSeriesNow();
    prometheus = await startPrometheus({ openMetrics: toOpenMetrics(series, types) });
  });

  afterAll(async () => {
    await prometheus?.stop();
  });

  it('simulates base and head collector configs over the active series of the API', async () => {
    // GIVEN prod's committed collector, and a head carrying the promoted one
    const collector = (env: string) =>
      fs.readFileSync(path.join(ROOT, 'gitops', 'experiments', env, 'http-server-histograms', 'opentelemetrycollector-http-server-histograms.yaml'), 'utf8');
    const target = 'gitops/experiments/prod/http-server-histograms/collector.yaml';
    const repo = GitFixture.create();
    try {
      repo.commit({ [target]: collector('prod') }, 'base');
      repo.git('checkout', '--quiet', '-b', 'promote');
      repo.commit({ [target]: collector('dev') }, 'promote');
      // WHEN reviewed with the Prometheus URL as cost source
      const report = await reviewRefs({ repoDir: repo.dir, base: 'main', head: 'promote', estimateCost: costEstimatorFor({ prometheusUrl: prometheus.url }) });
      // THEN the cost comes from that API and the promotion saves money
      expect(report.cost).toHaveLength(1);
      expect(report.cost?.[0].source).toContain(prometheus.url);
      expect(Number(report.cost?.[0].monthlyBefore)).toBeGreaterThan(0);
      expect(Number(report.cost?.[0].monthlyDelta)).toBeLessThan(0);
    } finally {
      repo.remove();
    }
  });
});
