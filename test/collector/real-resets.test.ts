import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatePipeline, simulateValues } from '../../analysis/simulate';
import { Processor } from '../../constructs/collector';
import { TELEMETRY_JOB } from '../../constructs/experiment/shadow';
import { landedSeries, samplesDifference, seriesKey, startScrapedExperiment, waitForValue, type ScrapedExperiment } from '../support/collector-run';
import { histogramSamples, scrapedInput, type ExpositionFamily } from '../support/exposition';

// What the REAL cumulativetodelta does at the edges of a stream, and that analysis/simulate
// predicts it at every point (1e-9): a stream's first point, a counter reset, a counter that
// disappears and comes back (higher: one stream across the gap; lower: a reset), and a histogram
// reset (the point is one stream over its buckets and count; the reference stays the point before
// the reset until every bucket is back above it). The candidate merges every stream between delta
// conversions, so each of these shows in the merged series. Where a stream's delta starts elsewhere than
// the others' (back from a gap, a histogram back above its counts), `merged` keeps one of the two points
// (Go map order; `alignDeltaStarts: false`); `aligned` — the default (`alignDeltaStarts`, ADRs 0137, 0139) — sets
// every delta's start to 0 before the merge and counts both.

const NAME = 'resets';
const SCRAPES = 14;
const RESET = 6;
const JOB = 'app';

/** Counter value of each worker at scrape n; undefined: absent from that scrape. */
const WORKERS: Record<string, (n: number) => number | undefined> = {
  steady: (n) => 10 + 2 * n,
  restarts: (n) => (n < RESET ? 50 + 3 * n : 1.5 * (n - RESET + 1)),
  returns: (n) => (n === 3 || n === 4 ? undefined : 20 + n),
  'returns-lower': (n) => (n === 8 || n === 9 ? undefined : n < 8 ? 30 + n : 0.5 * (n - 9)),
};

/** Observation count of each route's histogram at scrape n: /b restarts at RESET and passes its old count three scrapes later. */
const COUNTS: Record<string, (n: number) => number> = {
  '/a': (n) => 2 * n + 1,
  '/b': (n) => (n < RESET ? 3 * n : 4 * (n - RESET + 1)),
};

function families(n: number): ExpositionFamily[] {
  const jobs = Object.entries(WORKERS).flatMap(([worker, value]) => {
    const v = value(n);
    return v === undefined ? [] : [{ name: 'app_jobs_total', labels: { worker, queue: 'q' }, value: v }];
  });
  const latency = Object.entries(COUNTS).flatMap(([route, count]) =>
    ['GET', 'POST'].flatMap((method, m) => histogramSamples('app_latency_seconds', { route, method }, count(n) + m)),
  );
  return [
    { name: 'app_jobs_total', type: 'counter', samples: jobs },
    { name: 'app_latency_seconds', type: 'histogram', samples: latency },
  ];
}

let run: ScrapedExperiment;

beforeAll(async () => {
  const metrics = ['app_jobs_total', 'app_latency_seconds'];
  run = await startScrapedExperiment({
    name: NAME,
    job: JOB,
    targets: { a: (n) => (n < SCRAPES ? families(n) : []) },
    scrapes: SCRAPES + 1,
    experiment: {
      scope: metrics,
      candidates: [
        {
          name: 'merged',
          processors: [
            Processor.cumulativeToDelta({ name: 'merged', metrics }),
            Processor.keepAttributes({
              name: 'merged',
              metrics: [
                { name: 'app_jobs_total', type: 'sum' },
                { name: 'app_latency_seconds', type: 'histogram' },
              ],
              keep: ['queue'],
              alignDeltaStarts: false,
            }),
            Processor.deltaToCumulative({ name: 'merged' }),
          ],
        },
        {
          name: 'aligned',
          processors: [
            Processor.cumulativeToDelta({ name: 'aligned', metrics }),
            Processor.keepAttributes({
              name: 'aligned',
              metrics: [
                { name: 'app_jobs_total', type: 'sum' },
                { name: 'app_latency_seconds', type: 'histogram' },
              ],
              keep: ['queue'],
              alignDeltaStarts: true,
            }),
            Processor.deltaToCumulative({ name: 'aligned' }),
          ],
        },
      ],
      guardrails: { queries: [{ name: 'jobs by queue', expr: 'sum by (queue) (rate(app_jobs_total[5m]))' }] },
    },
  });
  const last = run.exposition.scrapes.find((s) => s.scrape === SCRAPES - 1)!.timestampMs / 1000;
  await waitForValue(
    run.client,
    `count(timestamp({phoenix_variant=~"merged|aligned", __name__=~"app_jobs_total|app_latency_seconds_count"}) >= ${last})`,
    last + 1,
    4,
    run.collector,
    "the candidates' last points did not land",
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
}, 90_000);

afterAll(async () => run?.stop());

const landed = (variant: string) =>
  landedSeries(run.client, `{phoenix_experiment="${NAME}", phoenix_variant="${variant}", __name__!="target_info", job!="${TELEMETRY_JOB}"}[2m]`, run.end + 1);

const scrapeN = (t: number) => run.exposition.scrapes.find((s) => s.timestampMs / 1000 === t)?.scrape;
const scrapeTime = (n: number) => run.exposition.scrapes.find((s) => s.scrape === n)!.timestampMs / 1000;

describe('cumulativetodelta at the edges of a stream, in the real collector', () => {
  for (const variant of ['baseline', 'merged', 'aligned']) {
    it(`${variant}: every landed point equals the simulation (1e-9), first points, resets and gaps included`, async () => {
      const { input, samples } = scrapedInput(run.exposition, JOB);
      const result = simulatePipeline(run.config, `metrics/phoenix-${NAME}-${variant}`, input, { trackValues: true });
      // where a merge leaves two points of one stream at one timestamp, the collector keeps either: both predictions
      const predictions = (['latest-start', 'earliest-start'] as const).map((conflict) => simulateValues(result.output, samples, { conflict }));
      const real = await landed(variant);
      expect([...real.keys()].sort()).toEqual(predictions[0]!.map((p) => seriesKey(p.name, p.labels)).sort());
      const equal = (actual: ReadonlyArray<readonly [number, number]>, predicted: ReadonlyArray<readonly [number, number]>) =>
        samplesDifference(actual, predicted) === undefined;
      for (const [i, p] of predictions[0]!.entries()) {
        const actual = real.get(seriesKey(p.name, p.labels))!;
        const where = `${p.name} ${JSON.stringify(p.labels)}`;
        const alternatives = predictions.map((prediction) => prediction[i]!.samples);
        if (process.env.DEBUG_RESETS)
          process.stdout.write(
            `${where}\nreal ${JSON.stringify(actual.map(([t, v]) => [scrapeN(t), v]))}\n${alternatives.map((a) => `sim  ${JSON.stringify(a.map(([t, v]) => [scrapeN(t), v]))}`).join('\n')}\n`,
          );
        expect(
          alternatives.some((a) => equal(actual, a)),
          `${where}: ${JSON.stringify(actual)} is none of ${JSON.stringify(alternatives)}`,
        ).toBe(true);
        if (!equal(alternatives[0]!, alternatives[1]!))
          process.stdout.write(
            `real-resets: ${p.name}${p.labels.le ? ` le=${p.labels.le}` : ''} kept the ${equal(actual, alternatives[0]!) ? 'latest' : 'earliest'}-start point\n`,
          );
      }
      // the baseline has no merge, and the aligned merge leaves one point per timestamp: one prediction
      if (variant !== 'merged') expect(predictions[0]).toEqual(predictions[1]);
      // the start alignment is modelled, not skipped
      if (variant === 'aligned') expect(result.notes.filter((n) => n.message.includes('start_time'))).toEqual([]);
    });
  }

  it("the merged counter counts what rate() counts on the baseline but for each reset stream's first value after its restart, and one of two points where a stream comes back", async () => {
    const merged = [...(await landed('merged')).entries()].find(([k]) => k.startsWith('app_jobs_total'))![1];
    // per scrape, each stream's own increase since its previous point, except the first point of a stream and a
    // point after a decrease (restart, or gone and back lower: 'restarts' at RESET, 'returns-lower' at 10)
    const own = (value: (n: number) => number | undefined, n: number) => {
      const now = value(n);
      let m = n - 1;
      while (m >= 0 && value(m) === undefined) m -= 1;
      const before = m >= 0 ? value(m) : undefined;
      return now === undefined || before === undefined || now < before ? 0 : now - before;
    };
    // at 5 'returns' is back: its delta spans the gap (starts at 2), the others' start at 4: two points, one is kept
    const increase = (n: number, kept: 'others' | 'returns' | 'both') =>
      Object.entries(WORKERS).reduce(
        (sum, [worker, value]) => (n === 5 && kept !== 'both' && (worker === 'returns') !== (kept === 'returns') ? sum : sum + own(value, n)),
        0,
      );
    const expected = (kept: 'others' | 'returns' | 'both') => {
      let total = 0;
      return Array.from({ length: SCRAPES - 1 }, (_, i): [number, number] => [scrapeTime(i + 1), (total += increase(i + 1, kept))]);
    };
    expect(increase(RESET, 'others')).toBe(2 + 1 + 1); // 'restarts' adds nothing at its reset (its 1.5 is never counted)
    expect(increase(10, 'others')).toBe(2 + 1.5 + 1); // 'returns-lower' back at 0.5: nothing
    expect([expected('others'), expected('returns')]).toContainEqual(merged);
    // aligned: both points merge at 5 — every increase but the restarts' first values
    const aligned = [...(await landed('aligned')).entries()].find(([k]) => k.startsWith('app_jobs_total'))![1];
    expect(expected('both')).not.toEqual(expected('others'));
    expect(aligned).toEqual(expected('both'));
  });

  it('a merged histogram emits nothing for a reset route until its buckets are back above the point before the restart', async () => {
    const countOf = async (variant: string) => [...(await landed(variant)).entries()].find(([k]) => k.startsWith('app_latency_seconds_count'))![1];
    // /a adds 2 per method and scrape; /b adds 3 per method before RESET, then restarts (4·(n − RESET + 1) + m) and emits
    // nothing until it passes its last count before the restart (3·(RESET − 1) + m), at RESET + 3; that delta starts at
    // RESET − 1 while /a's starts at RESET + 2: one of the two points is kept
    const expected = (kept: '/a' | '/b' | 'both') => {
      let total = 0;
      return Array.from({ length: SCRAPES - 1 }, (_, i): [number, number] => {
        const n = i + 1;
        const a = 2 * 2;
        const b = n < RESET ? 3 * 2 : n < RESET + 3 ? 0 : n === RESET + 3 ? 2 * (4 * 4 - 3 * (RESET - 1)) : 4 * 2;
        return [scrapeTime(n), (total += n === RESET + 3 && kept !== 'both' ? (kept === '/a' ? a : b) : a + b)];
      });
    };
    expect([expected('/a'), expected('/b')]).toContainEqual(await countOf('merged'));
    // aligned: /b's delta from RESET − 1 merges with /a's at RESET + 3 — nothing of /a is lost, and /b loses only
    // what it counted between the restart and its return above its old counts (ADR 0124)
    expect(await countOf('aligned')).toEqual(expected('both'));
  });
});
