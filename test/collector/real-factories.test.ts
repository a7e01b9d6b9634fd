import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatePipeline, simulateValues } from '../../analysis/simulate';
import { Processor } from '../../constructs/collector';
import { TELEMETRY_JOB } from '../../constructs/experiment/shadow';
import { landedDifferences, landedSeries, startScrapedExperiment, waitForValue, type ScrapedExperiment } from '../support/collector-run';
import { histogramSamples, scrapedInput, type ExpositionFamily } from '../support/exposition';

// Each metric processor factory as a candidate of one synthesized experiment, run in the REAL
// collector over a scraped exposition (counter, histogram, gauges): what lands per variant equals
// what analysis/simulate predicts, series and values (1e-9 relative).

const NAME = 'factories';
const SCRAPES = 7;
const JOB = 'app';

function families(n: number): ExpositionFamily[] {
  const requests = ['p0', 'p1'].flatMap((pod, p) =>
    ['/a', '/b'].flatMap((route, r) =>
      ['GET', 'POST'].map((method, m) => ({
        name: 'app_requests_total',
        labels: { route, method, pod, pod_uid: `uid-${pod}` },
        value: 10 * p + r + n * (1 + m + r) + 0.5,
      })),
    ),
  );
  const latency = ['/a', '/b'].flatMap((route, r) =>
    ['GET', 'POST'].flatMap((method, m) => histogramSamples('app_latency_seconds', { route, method }, n * (2 + r + m))),
  );
  return [
    { name: 'app_requests_total', type: 'counter', samples: requests },
    { name: 'app_latency_seconds', type: 'histogram', samples: latency },
    {
      name: 'app_queue_depth',
      type: 'gauge',
      samples: ['0', '1', '2'].map((shard) => ({ name: 'app_queue_depth', labels: { shard }, value: Number(shard) * 7 + (n % 3) })),
    },
    { name: 'go_goroutines', type: 'gauge', samples: [{ name: 'go_goroutines', labels: {}, value: 40 + n }] },
    { name: 'go_memstats_heap_bytes', type: 'gauge', samples: [{ name: 'go_memstats_heap_bytes', labels: {}, value: 1e6 * n }] },
  ];
}

const VARIANTS = ['baseline', 'keep-route', 'drop-uid', 'drop-go-mem', 'regroup'];
let run: ScrapedExperiment;

beforeAll(async () => {
  const delta = ['app_requests_total', 'app_latency_seconds'];
  run = await startScrapedExperiment({
    name: NAME,
    job: JOB,
    targets: { a: (n) => (n < SCRAPES ? families(n) : []) },
    scrapes: SCRAPES + 1,
    experiment: {
      scope: ['app_requests_total', 'app_latency_seconds', 'app_queue_depth', /go_.*/],
      candidates: [
        {
          name: 'keep-route',
          processors: [
            Processor.cumulativeToDelta({ name: 'keep-route', metrics: delta }),
            Processor.keepAttributes({
              name: 'keep-route',
              metrics: [
                { name: 'app_requests_total', type: 'sum' },
                { name: 'app_latency_seconds', type: 'histogram' },
                { name: 'app_queue_depth', type: 'gauge' },
              ],
              keep: ['route'],
              gaugeFunction: 'max',
            }),
            Processor.deltaToCumulative({ name: 'keep-route' }),
          ],
        },
        {
          name: 'drop-uid',
          processors: [Processor.dropAttribute({ name: 'drop-uid', attribute: 'pod_uid', impliedBy: 'pod', metrics: ['app_requests_total'] })],
        },
        { name: 'drop-go-mem', processors: [Processor.filterMetrics({ name: 'drop-go-mem', dropRegexes: ['^go_memstats_.*$'] })] },
        { name: 'regroup', processors: [Processor.groupByAttributes([], { name: 'regroup' })] },
      ],
      guardrails: { queries: [{ name: 'requests by route', expr: 'sum by (route) (rate(app_requests_total[5m]))' }] },
    },
  });
  await waitForValue(
    run.client,
    `count(count_over_time({phoenix_variant="keep-route", __name__="app_requests_total"}[1m]) >= ${SCRAPES - 1})`,
    run.end + 1,
    2,
    run.collector,
    "the candidate's series did not land",
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
}, 90_000);

afterAll(async () => run?.stop());

describe('every processor factory in the real collector', () => {
  for (const variant of VARIANTS) {
    it(`${variant}: the landed series and values equal the simulation (1e-9)`, async () => {
      const { input, samples } = scrapedInput(run.exposition, JOB);
      const predicted = simulateValues(simulatePipeline(run.config, `metrics/phoenix-${NAME}-${variant}`, input, { trackValues: true }).output, samples);
      const real = await landedSeries(
        run.client,
        `{phoenix_experiment="${NAME}", phoenix_variant="${variant}", __name__!="target_info", job!="${TELEMETRY_JOB}"}[2m]`,
        run.end + 1,
      );
      expect(real.size).toBe(predicted.length);
      expect(landedDifferences(real, predicted)).toEqual([]);
    });
  }
});
