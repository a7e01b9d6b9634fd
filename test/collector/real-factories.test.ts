import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { componentTypeOf } from '../../analysis/naming';
import type { Series } from '../../analysis/series';
import { simulatePipeline, simulateValues, type RenderedCollectorConfig } from '../../analysis/simulate';
import { PrometheusClient } from '../../clients/prometheus';
import { CollectorPipeline, Processor } from '../../constructs/collector';
import { Experiment } from '../../constructs/experiment/experiment';
import { TELEMETRY_JOB } from '../../constructs/experiment/shadow';
import { logTail, startCollector, type TestCollector } from '../support/collector-run';
import { seriesOfFamilies, startExposition, type ExpositionFamily, type ExpositionServer } from '../support/exposition';
import { startPrometheus, type TestPrometheus } from '../support/prometheus';

// Each metric processor factory as a candidate of one synthesized experiment, run in the REAL
// collector over a scraped exposition (counter, histogram, gauges): what lands per variant equals
// what analysis/simulate predicts, series and values (1e-9 relative).

const NAME = 'factories';
const SCRAPES = 7;
const JOB = 'app';

function families(n: number): ExpositionFamily[] {
  const requests = ['p0', 'p1'].flatMap((pod, p) =>
    ['/a', '/b'].flatMap((route, r) => ['GET', 'POST'].map((method, m) => ({ name: 'app_requests_total', labels: { route, method, pod, pod_uid: `uid-${pod}` }, value: 10 * p + r + n * (1 + m + r) + 0.5 }))),
  );
  const latency = ['/a', '/b'].flatMap((route, r) =>
    ['GET', 'POST'].flatMap((method, m) => {
      const count = n * (2 + r + m);
      return [
        ...[['0.1', 0.25], ['1', 0.75], ['+Inf', 1]].map(([le, share]) => ({ name: 'app_latency_seconds_bucket', labels: { route, method, le: String(le) }, value: Math.floor(count * Number(share)) })),
        { name: 'app_latency_seconds_sum', labels: { route, method }, value: count * 0.125 },
        { name: 'app_latency_seconds_count', labels: { route, method }, value: count },
      ];
    }),
  );
  return [
    { name: 'app_requests_total', type: 'counter', samples: requests },
    { name: 'app_latency_seconds', type: 'histogram', samples: latency },
    { name: 'app_queue_depth', type: 'gauge', samples: ['0', '1', '2'].map((shard) => ({ name: 'app_queue_depth', labels: { shard }, value: Number(shard) * 7 + (n % 3) })) },
    { name: 'go_goroutines', type: 'gauge', samples: [{ name: 'go_goroutines', labels: {}, value: 40 + n }] },
    { name: 'go_memstats_heap_bytes', type: 'gauge', samples: [{ name: 'go_memstats_heap_bytes', labels: {}, value: 1e6 * n }] },
  ];
}

const VARIANTS = ['baseline', 'keep-route', 'drop-uid', 'drop-go-mem', 'regroup'];
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
  const baseline = CollectorPipeline.fromYaml(join(__dirname, '..', '..', 'experiments', 'baselines', 'node-exporter.yaml'));
  const delta = ['app_requests_total', 'app_latency_seconds'];
  const experiment = new Experiment(new Chart(Testing.app(), NAME), NAME, {
    baseline,
    scope: ['app_requests_total', 'app_latency_seconds', 'app_queue_depth', /go_.*/],
    candidates: [
      {
        name: 'keep-route',
        processors: [
          Processor.cumulativeToDelta({ name: 'keep-route', metrics: delta }),
          Processor.keepAttributes({ name: 'keep-route', metrics: [{ name: 'app_requests_total', type: 'sum' }, { name: 'app_latency_seconds', type: 'histogram' }, { name: 'app_queue_depth', type: 'gauge' }], keep: ['route'], gaugeFunction: 'max' }),
          Processor.deltaToCumulative({ name: 'keep-route' }),
        ],
      },
      { name: 'drop-uid', processors: [Processor.dropAttribute({ name: 'drop-uid', attribute: 'pod_uid', impliedBy: 'pod', metrics: ['app_requests_total'] })] },
      { name: 'drop-go-mem', processors: [Processor.filterMetrics({ name: 'drop-go-mem', dropRegexes: ['^go_memstats_.*$'] })] },
      { name: 'regroup', processors: [Processor.groupByAttributes([], { name: 'regroup' })] },
    ],
    guardrails: { queries: [{ name: 'requests by route', expr: 'sum by (route) (rate(app_requests_total[5m]))' }] },
    target: {
      environment: 'dev',
      namespace: 'observability',
      remoteWriteUrl: prometheus.remoteWriteUrl.replace('127.0.0.1', 'localhost'),
      shadowRemoteWriteUrl: prometheus.remoteWriteUrl,
      scrapeIntervalSeconds: 60,
      lifecycle: { phase: 'running' },
    },
  });
  config = structuredClone(experiment.renderedConfig()) as unknown as RenderedCollectorConfig & Record<string, any>;
  const production: string[] = config.service.pipelines.metrics!.receivers as string[];
  for (const [id, receiver] of Object.entries<any>(config.receivers ?? {})) {
    if (componentTypeOf('receiver', id) !== 'prometheus' || !production.includes(id)) continue;
    receiver.config.scrape_configs = [{ job_name: JOB, scrape_interval: '1s', static_configs: [{ targets: [exposition.addresses.get('a')] }] }];
  }
  for (const [id, processor] of Object.entries<any>(config.processors ?? {})) if (componentTypeOf('processor', id) === 'batch') processor.timeout = '200ms';
  collector = await startCollector({ config, env: { PHOENIX_REMOTE_WRITE_URL: prometheus.remoteWriteUrl.replace('127.0.0.1', 'localhost') } });
  await exposition.waitForScrapes('a', SCRAPES + 1, 40_000);
  end = Math.max(...exposition.scrapes.map((s) => s.timestampMs)) / 1000;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await client.query(`count(count_over_time({phoenix_variant="keep-route", __name__="app_requests_total"}[1m]) >= ${SCRAPES - 1})`, end + 1);
    if (r.resultType === 'vector' && (r.result[0]?.value[1] ?? 0) >= 2) break;
    if (Date.now() > deadline) throw new Error(`the candidate's series did not land:\n${logTail(collector)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}, 90_000);

afterAll(async () => {
  await collector?.stop();
  await exposition?.stop();
  await prometheus?.stop();
});

const key = (name: string, labels: Record<string, string>) => `${name}${JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)))}`;

function scrapedInput(): { input: Series[]; samples: Array<Array<[number, number]>> } {
  const index = new Map<string, number>();
  const input: Series[] = [];
  const samples: Array<Array<[number, number]>> = [];
  for (const scrape of exposition.scrapes) {
    for (const s of seriesOfFamilies(scrape.families, JOB, exposition.addresses.get(scrape.target)!)) {
      const value = scrape.families.flatMap((f) => f.samples).find((x) => x.name === s.name && Object.entries(x.labels).every(([k, v]) => s.labels[k] === v))!.value;
      const k = key(s.name, { ...s.labels });
      let i = index.get(k);
      if (i === undefined) {
        index.set(k, (i = input.length));
        input.push(s);
        samples.push([]);
      }
      samples[i]!.push([scrape.timestampMs / 1000, value]);
    }
  }
  return { input, samples };
}

describe('every processor factory in the real collector', () => {
  for (const variant of VARIANTS) {
    it(`${variant}: the landed series and values equal the simulation (1e-9)`, async () => {
      const { input, samples } = scrapedInput();
      const predicted = simulateValues(simulatePipeline(config, `metrics/phoenix-${NAME}-${variant}`, input, { trackValues: true }).output, samples);
      const r = await client.query(`{phoenix_experiment="${NAME}", phoenix_variant="${variant}", __name__!="target_info", job!="${TELEMETRY_JOB}"}[2m]`, end + 1);
      if (r.resultType !== 'matrix') throw new Error('expected a matrix');
      const real = new Map(
        r.result.map((s) => {
          const labels = Object.fromEntries(Object.entries(s.metric).filter(([k]) => k !== '__name__' && !k.startsWith('otel_scope_')));
          return [key(s.metric.__name__!, labels), s.values] as const;
        }),
      );
      expect([...real.keys()].sort()).toEqual(predicted.map((p) => key(p.name, { ...p.labels })).sort());
      for (const p of predicted) {
        const actual = real.get(key(p.name, { ...p.labels }))!;
        expect(actual.map(([t]) => t), p.name).toEqual(p.samples.map(([t]) => t));
        actual.forEach(([, v], i) => expect(Math.abs(v - p.samples[i]![1]), `${p.name} ${JSON.stringify(p.labels)}`).toBeLessThanOrEqual(1e-9 * Math.abs(p.samples[i]![1])));
      }
    });
  }
});
