import { Chart, Testing } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { componentTypeOf } from '../../analysis/naming';
import type { Series } from '../../analysis/series';
import { simulatePipeline, simulateValues, type RenderedCollectorConfig } from '../../analysis/simulate';
import { PrometheusClient } from '../../clients/prometheus';
import { Experiment } from '../../constructs/experiment/experiment';
import { experiments } from '../../experiments';
import { logTail, startCollector, type TestCollector } from '../support/collector-run';
import { startExposition, type ExpositionFamily, type ExpositionServer } from '../support/exposition';
import { startPrometheus, type TestPrometheus } from '../support/prometheus';

// The SHIPPED node-cpu-by-mode experiment, rendered from its definition in experiments/ exactly as
// `phoenix synth` renders it (no candidate re-declared here), runs in the REAL collector while one
// node's CPUs do what ends a merge's naive promise: a counter resets, a CPU goes offline and comes back
// higher (the returning stream), another goes offline and comes back lower (a reset across a gap).
// Its `by-mode` candidate merges the CPUs between delta conversions with the delta starts aligned
// (the keepAttributes default, ADR 0139): it lands exactly the one answer analysis/simulate predicts,
// where the unaligned shape of the same candidate has two possible answers (ADR 0137).

const NAME = 'node-cpu-by-mode';
const METRIC = 'node_cpu_seconds_total';
const SCRAPES = 14;
const RESET = 6;
const MODES = ['idle', 'user'];

/** CPU seconds of each CPU at scrape n (mode 0; mode m scales it by 1 + m); undefined: the CPU is offline. */
const CPUS: Record<string, (n: number) => number | undefined> = {
  '0': (n) => 10 + 2 * n,
  '1': (n) => (n < RESET ? 50 + 3 * n : 1.5 * (n - RESET + 1)),
  '2': (n) => (n === 3 || n === 4 ? undefined : 20 + n),
  '3': (n) => (n === 8 || n === 9 ? undefined : n < 8 ? 30 + n : 0.5 * (n - 9)),
};

const valueOf = (cpu: string, mode: number, n: number) => {
  const v = CPUS[cpu]!(n);
  return v === undefined ? undefined : v * (1 + mode);
};

function families(n: number): ExpositionFamily[] {
  const samples = Object.keys(CPUS).flatMap((cpu) =>
    MODES.flatMap((mode, m) => {
      const value = valueOf(cpu, m, n);
      return value === undefined ? [] : [{ name: METRIC, labels: { cpu, mode }, value }];
    }),
  );
  return [{ name: METRIC, type: 'counter', help: 'Seconds the CPUs spent in each mode.', samples }];
}

let prometheus: TestPrometheus;
let exposition: ExpositionServer;
let collector: TestCollector | undefined;
let config: RenderedCollectorConfig & Record<string, any>;
let client: PrometheusClient;
let end = 0;

beforeAll(async () => {
  prometheus = await startPrometheus({ remoteWriteReceiver: true, lookbackDelta: '3s' });
  client = new PrometheusClient({ baseUrl: prometheus.url });
  exposition = await startExposition({ targets: { a: (n) => (n < SCRAPES ? families(n) : []) } });
  const definition = experiments.find((d) => d.name === NAME);
  if (!definition) throw new Error(`the shipped experiment ${NAME} is not in experiments/index.ts`);
  const chart = new Chart(Testing.app(), NAME);
  definition.build(chart, {
    environment: 'dev',
    namespace: 'observability',
    remoteWriteUrl: prometheus.remoteWriteUrl.replace('127.0.0.1', 'localhost'),
    shadowRemoteWriteUrl: prometheus.remoteWriteUrl,
    scrapeIntervalSeconds: 60,
    lifecycle: { phase: 'running' },
  });
  const [experiment] = Experiment.findAll(chart);
  config = structuredClone(experiment!.renderedConfig()) as unknown as RenderedCollectorConfig & Record<string, any>;
  const production: string[] = config.service.pipelines.metrics!.receivers as string[];
  for (const [id, receiver] of Object.entries<any>(config.receivers ?? {})) {
    if (componentTypeOf('receiver', id) !== 'prometheus' || !production.includes(id)) continue;
    for (const job of receiver.config.scrape_configs) {
      job.scrape_interval = '1s';
      job.static_configs = [{ targets: [exposition.addresses.get('a')] }];
    }
  }
  for (const [id, processor] of Object.entries<any>(config.processors ?? {})) if (componentTypeOf('processor', id) === 'batch') processor.timeout = '200ms';
  collector = await startCollector({ config, env: { PHOENIX_REMOTE_WRITE_URL: prometheus.remoteWriteUrl.replace('127.0.0.1', 'localhost') } });
  await exposition.waitForScrapes('a', SCRAPES + 1, 40_000);
  end = Math.max(...exposition.scrapes.map((s) => s.timestampMs)) / 1000;
  const last = scrapeTime(SCRAPES - 1);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await client.query(`count(timestamp(${METRIC}{phoenix_variant="by-mode"}) >= ${last})`, last + 1);
    if (r.resultType === 'vector' && (r.result[0]?.value[1] ?? 0) >= MODES.length) break;
    if (Date.now() > deadline) throw new Error(`the candidate's last points did not land:\n${collector ? logTail(collector) : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}, 90_000);

afterAll(async () => {
  await collector?.stop();
  await exposition?.stop();
  await prometheus?.stop();
});

const key = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
const scrapeTime = (n: number) => exposition.scrapes.find((s) => s.target === 'a' && s.scrape === n)!.timestampMs / 1000;

/** The simulation's input: every scraped series with its samples, as the prometheus receiver reads them. */
function scrapedInput(): { input: Series[]; samples: Array<Array<[number, number]>> } {
  const index = new Map<string, number>();
  const input: Series[] = [];
  const samples: Array<Array<[number, number]>> = [];
  const instance = exposition.addresses.get('a')!;
  for (const scrape of exposition.scrapes) {
    for (const s of scrape.families.flatMap((f) => f.samples)) {
      const labels = { ...s.labels, job: 'node-exporter', instance };
      const k = key({ __name__: s.name, ...labels });
      let i = index.get(k);
      if (i === undefined) {
        index.set(k, (i = input.length));
        input.push({ name: s.name, labels, type: 'counter' });
        samples.push([]);
      }
      samples[i]!.push([scrape.timestampMs / 1000, s.value]);
    }
  }
  return { input, samples };
}

async function landed(variant: string): Promise<Map<string, Array<[number, number]>>> {
  const r = await client.query(`${METRIC}{phoenix_experiment="${NAME}", phoenix_variant="${variant}"}[2m]`, end + 1);
  if (r.resultType !== 'matrix') throw new Error(`expected a matrix, got ${r.resultType}`);
  return new Map(
    r.result.map((s) => {
      const labels = Object.fromEntries(Object.entries(s.metric).filter(([k]) => k !== '__name__' && !k.startsWith('otel_scope_')));
      return [key(labels), s.values.map(([t, v]) => [t, v] as [number, number])] as const;
    }),
  );
}

const equal = (actual: ReadonlyArray<readonly [number, number]>, predicted: ReadonlyArray<readonly [number, number]>) =>
  actual.length === predicted.length &&
  actual.every(([t, v], i) => t === predicted[i]![0] && Math.abs(v - predicted[i]![1]) <= 1e-9 * Math.abs(predicted[i]![1]));

/** The rendered config with the candidate's start alignment removed: the unaligned shape of the same merge. */
function unaligned(): RenderedCollectorConfig {
  const copy = structuredClone(config) as Record<string, any>;
  let removed = 0;
  for (const processor of Object.values<any>(copy.processors ?? {})) {
    for (const group of processor.metric_statements ?? []) {
      const before = group.statements.length;
      group.statements = group.statements.filter((s: string) => !s.startsWith('set(start_time_unix_nano, 0)'));
      removed += before - group.statements.length;
    }
  }
  expect(removed).toBeGreaterThan(0);
  return copy as unknown as RenderedCollectorConfig;
}

describe('the shipped node-cpu-by-mode through the real collector: a counter reset and returning streams', () => {
  it('the shipped candidate aligns the delta starts before it merges', () => {
    const statements = Object.entries<any>(config.processors ?? {})
      .filter(([id]) => id.includes('by-mode') && componentTypeOf('processor', id) === 'transform')
      .flatMap(([, p]) => p.metric_statements.flatMap((g: any) => g.statements as string[]));
    const align = statements.findIndex((s) => s.startsWith(`set(start_time_unix_nano, 0) where metric.name == "${METRIC}"`));
    expect(align).toBeGreaterThanOrEqual(0);
    expect(align).toBeLessThan(statements.findIndex((s) => s.startsWith('aggregate_on_attributes')));
  });

  for (const variant of ['baseline', 'by-mode']) {
    it(`${variant}: every landed point equals the one answer the simulation predicts (1e-9)`, async () => {
      const { input, samples } = scrapedInput();
      const result = simulatePipeline(config, `metrics/phoenix-${NAME}-${variant}`, input, { trackValues: true });
      const [latest, earliest] = (['latest-start', 'earliest-start'] as const).map((conflict) => simulateValues(result.output, samples, { conflict }));
      // one prediction: no merged stream ever has two points at one timestamp
      expect(latest).toEqual(earliest);
      const real = await landed(variant);
      expect([...real.keys()].sort()).toEqual(latest!.map((p) => key({ ...p.labels })).sort());
      for (const p of latest!) {
        const actual = real.get(key({ ...p.labels }))!;
        expect(equal(actual, p.samples), `${JSON.stringify(p.labels)}: ${JSON.stringify(actual)} is not ${JSON.stringify(p.samples)}`).toBe(true);
      }
      if (variant === 'by-mode') {
        expect(latest).toHaveLength(MODES.length);
        // the scenario is the one that loses data unaligned: there the same candidate has two possible answers
        const plain = simulatePipeline(unaligned(), `metrics/phoenix-${NAME}-${variant}`, input, { trackValues: true });
        const [a, b] = (['latest-start', 'earliest-start'] as const).map((conflict) => simulateValues(plain.output, samples, { conflict }));
        expect(a).not.toEqual(b);
        expect([a, b].some((alternative) => latest!.every((p, i) => equal(p.samples, alternative![i]!.samples)))).toBe(false);
      }
    });
  }

  it("the merged counter counts every CPU's increase but each reset stream's first value after it (ADR 0124), nothing of the others", async () => {
    const real = await landed('by-mode');
    for (const [m, mode] of MODES.entries()) {
      const merged = [...real.entries()].find(([k]) => (JSON.parse(k) as Array<[string, string]>).some(([l, v]) => l === 'mode' && v === mode))?.[1];
      expect(merged, mode).toBeDefined();
      // a CPU's own increase at scrape n since its previous point; nothing at its first point or after a decrease
      const own = (cpu: string, n: number) => {
        const now = valueOf(cpu, m, n);
        let k = n - 1;
        while (k >= 0 && valueOf(cpu, m, k) === undefined) k -= 1;
        const before = k >= 0 ? valueOf(cpu, m, k) : undefined;
        return now === undefined || before === undefined || now < before ? 0 : now - before;
      };
      let total = 0;
      const expected = Array.from({ length: SCRAPES - 1 }, (_, i): [number, number] => [
        scrapeTime(i + 1),
        (total += Object.keys(CPUS).reduce((sum, cpu) => sum + own(cpu, i + 1), 0)),
      ]);
      // the returning CPU 2's increase over its gap is counted at scrape 5 beside the others'
      expect(own('2', 5)).toBe(3 * (1 + m));
      expect(equal(merged!, expected), `${mode}: ${JSON.stringify(merged)} is not ${JSON.stringify(expected)}`).toBe(true);
    }
  });
});
