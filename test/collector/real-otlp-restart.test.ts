import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Series } from '../../analysis/series';
import { simulatePipeline, simulateValues } from '../../analysis/simulate';
import { PrometheusClient } from '../../clients/prometheus';
import {
  landedDifferences,
  landedSeries,
  logTail,
  renderShippedExample,
  startRenderedCollector,
  type TestCollector,
  type TestCollectorConfig,
} from '../support/collector-run';
import { pushOtlp, type OtlpMetric } from '../support/otlp-push';
import { startPrometheus, type TestPrometheus } from '../support/prometheus';

// A restart behind the `otlp` receiver, measured in the REAL collector: OTLP points carry their
// stream's start time, and cumulativetodelta's stream identity includes it. The shipped
// http-server-histograms example (route-status merges the method away, between delta conversions)
// gets pushes from one pod whose process started before the collector, then restarts (a new start
// time, after the collector's): the stream's first point before the restart is dropped, the
// restarted one's first point counts in full, so the merged histogram counts every observation
// after the first push — unlike behind the `prometheus` receiver, where points carry no start time.

const NAME = 'http-server-histograms';
const PUSHES = 9;
const RESTART = 4;
const BOUNDS = [0.1, 0.5, 1];
/** A method's bucket counts grow by `k` per push (GET 2, POST 3), spread 1:2:1:0: its count by 4k. */
const perPush = (m: number) => 2 + m;
/** `k` of a method's histogram at push n; the restarted process counts from 0 and had run three pushes' time when first pushed. */
const kAt = (n: number, m: number) => perPush(m) * (n < RESTART ? n + 10 : n - RESTART + 3);
const countAt = (n: number, m: number) => 4 * kAt(n, m);

let prometheus: TestPrometheus;
let collector: TestCollector | undefined;
let client: PrometheusClient;
let config: TestCollectorConfig;
const pushTimes: number[] = [];

beforeAll(async () => {
  prometheus = await startPrometheus({ remoteWriteReceiver: true, lookbackDelta: '3s' });
  client = new PrometheusClient({ baseUrl: prometheus.url });
  ({ config } = renderShippedExample(NAME, prometheus));
  collector = await startRenderedCollector(config, prometheus);
  const endpoint = [...collector.endpoints.entries()].find(([id]) => id.endsWith('/http'))![1];
  const firstStart = Date.now() - 60_000; // the process started before the collector
  let restartStart = 0;
  for (let n = 0; n < PUSHES; n++) {
    if (n === RESTART) restartStart = Date.now() - 500; // the new process started after the collector, before its first push
    const now = Date.now();
    pushTimes.push(now / 1000);
    const metrics: OtlpMetric[] = [
      {
        name: 'http.server.request.duration',
        unit: 's',
        kind: 'histogram',
        points: ['GET', 'POST'].map((method, m) => {
          const k = kAt(n, m);
          return {
            attributes: { 'http.route': '/pay', 'http.response.status_code': '200', 'http.request.method': method },
            histogram: { bounds: BOUNDS, counts: [k, 2 * k, k, 0], sum: k * 0.25 },
          };
        }),
      },
    ];
    await pushOtlp(endpoint, { 'service.name': NAME, 'service.instance.id': 'pod-0' }, metrics, now, n < RESTART ? firstStart : restartStart);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
}, 90_000);

afterAll(async () => {
  await collector?.stop();
  await prometheus?.stop();
});

describe('a restart behind the otlp receiver (start times set), in the real collector', () => {
  it('the merged histogram drops only the first push of the stream that predates the collector, and counts the restarted process from its first push', async () => {
    const at = pushTimes[PUSHES - 1]! + 1;
    const r = await client.query(`http_server_request_duration_seconds_count{phoenix_variant="route-status"}[2m]`, at);
    if (r.resultType !== 'matrix') throw new Error('expected a matrix');
    expect(r.result, collector ? logTail(collector) : '').toHaveLength(1);
    const landed = r.result[0]!.values.map(([t, v]) => [t, v]);
    // what every push adds to the merged count: both methods' increase since the previous push; at the restart the
    // restarted streams' whole first value (they are new streams with a start time after the collector's)
    const expected: Array<[number, number]> = [];
    let total = 0;
    for (let n = 1; n < PUSHES; n++) {
      const added = [0, 1].reduce((sum, m) => sum + (n === RESTART ? countAt(n, m) : countAt(n, m) - countAt(n - 1, m)), 0);
      expected.push([Math.round(pushTimes[n]! * 1000) / 1000, (total += added)]);
    }
    expect(landed).toEqual(expected);
  });

  it('every variant lands what analysis/simulate predicts with start times set (1e-9), at every point; without them it would predict a loss', async () => {
    const at = pushTimes[PUSHES - 1]! + 1;
    const matrix = async (expr: string) => {
      const r = await client.query(expr, at);
      if (r.resultType !== 'matrix') throw new Error(`expected a matrix for ${expr}`);
      return r.result;
    };
    const strip = (metric: Record<string, string>) => Object.fromEntries(Object.entries(metric).filter(([k]) => k !== '__name__'));
    // the simulation's input is what production landed (as a snapshot of production is)
    const production = await matrix(`{__name__=~"http_server_request_duration_seconds_.+", phoenix_variant=""}[2m]`);
    const input: Series[] = production.map((s) => ({ name: s.metric.__name__!, labels: strip(s.metric), type: 'histogram' }));
    const samples = production.map((s) => s.values.map(([t, v]) => [t, v] as [number, number]));
    expect(input.length).toBe(2 * (BOUNDS.length + 1 + 2));
    for (const variant of ['baseline', 'route-status']) {
      const result = simulatePipeline(config, `metrics/phoenix-${NAME}-${variant}`, input, { trackValues: true });
      const predicted = simulateValues(result.output, samples, { startTimes: 'set' });
      const real = await landedSeries(client, `{__name__=~"http_server_request_duration_seconds_.+", phoenix_variant="${variant}"}[2m]`, at, {
        keepScope: true,
      });
      expect(real.size, variant).toBe(predicted.length);
      expect(landedDifferences(real, predicted), variant).toEqual([]);
      // the default (no start times: the prometheus receiver's points) predicts the restart's loss instead
      if (variant === 'route-status') expect(simulateValues(result.output, samples)).not.toEqual(predicted);
    }
  });
});
