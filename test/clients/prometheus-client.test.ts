import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusApiError, PrometheusClient, PrometheusUnavailableError } from '../../clients/prometheus';
import { alignedNowSeconds, freePort, startPrometheus, toOpenMetrics, type BackfillSeries, type TestPrometheus } from '../support/prometheus';

// GIVEN a real Prometheus backfilled with two metrics over the past three hours, one sample a minute
const end = alignedNowSeconds(60) - 3600;
const start = end - 2 * 3600;
const minutes = Array.from({ length: (end - start) / 60 + 1 }, (_, i) => start + i * 60);

let prometheus: TestPrometheus;
let client: PrometheusClient;

beforeAll(async () => {
  const series: BackfillSeries[] = [
    { name: 'http_requests_total', labels: { job: 'api', instance: 'a:80', route: '/users' }, samples: minutes.map((t, i) => [t, i * 2] as const) },
    { name: 'http_requests_total', labels: { job: 'api', instance: 'b:80', route: '/users' }, samples: minutes.map((t, i) => [t, i * 3] as const) },
    { name: 'queue_depth', labels: { job: 'worker', queue: 'say "hi"\\now' }, samples: minutes.map((t) => [t, t === start ? NaN : 7] as const) },
  ];
  prometheus = await startPrometheus({ openMetrics: toOpenMetrics(series, { http_requests: 'counter', queue_depth: 'gauge' }) });
  client = new PrometheusClient({ baseUrl: prometheus.url });
});

afterAll(async () => {
  await prometheus?.stop();
});

describe('PrometheusClient against a real Prometheus', () => {
  it('runs an instant query and parses the vector', async () => {
    // WHEN summing the counters at the window's end
    const result = await client.query('sum(http_requests_total)', end);
    // THEN one sample with the summed value at that time
    expect(result.resultType).toBe('vector');
    if (result.resultType !== 'vector') return;
    expect(result.result).toHaveLength(1);
    expect(result.result[0]!.value).toEqual([end, (minutes.length - 1) * 5]);
  });

  it('returns scalars as numbers', async () => {
    const result = await client.query('scalar(vector(1.5))', end);
    expect(result).toMatchObject({ resultType: 'scalar', result: [end, 1.5] });
  });

  it('runs a range query at the scrape step and parses NaN', async () => {
    // WHEN querying the gauge over the whole window
    const result = await client.queryRange('queue_depth', start, end, 60);
    // THEN every minute is there, the first one NaN, the label value unescaped
    expect(result.result).toHaveLength(1);
    const only = result.result[0]!;
    expect(only.metric.queue).toBe('say "hi"\\now');
    expect(only.values).toHaveLength(minutes.length);
    expect(Number.isNaN(only.values[0]![1])).toBe(true);
    expect(only.values[1]).toEqual([start + 60, 7]);
  });

  it('lists series per metric name', async () => {
    // WHEN walking the store name by name
    const pages = [];
    for await (const page of client.seriesByName(start, end)) pages.push(page);
    // THEN each name comes with its own series only
    expect(pages.map((p) => p.name)).toEqual(['http_requests_total', 'queue_depth']);
    expect(pages[0]!.series.map((s) => s.instance).sort()).toEqual(['a:80', 'b:80']);
    expect(pages[1]!.series).toEqual([{ __name__: 'queue_depth', job: 'worker', queue: 'say "hi"\\now' }]);
  });

  it('looks series up by matchers and walks only the names asked for', async () => {
    const found = await client.series(['http_requests_total{instance="b:80"}'], start, end);
    expect(found).toEqual([{ __name__: 'http_requests_total', job: 'api', instance: 'b:80', route: '/users' }]);
    const pages = [];
    for await (const page of client.seriesByName(start, end, ['queue_depth'])) pages.push(page.name);
    expect(pages).toEqual(['queue_depth']);
  });

  it('fails when asked for series without a matcher or a range with a bad step', async () => {
    await expect(client.series([], start, end)).rejects.toThrow(/at least one matcher/);
    await expect(client.queryRange('up', start, end, 0)).rejects.toThrow(/step must be positive/);
    expect(() => new PrometheusClient({ baseUrl: 'not a url' })).toThrow(/is not a URL/);
  });

  it('lists label values within a time range', async () => {
    expect(await client.labelValues('job', { start, end })).toEqual(['api', 'worker']);
    expect(await client.labelValues('instance', { match: ['http_requests_total'], start, end })).toEqual(['a:80', 'b:80']);
  });

  it('reads metadata and TSDB status', async () => {
    // Backfilled blocks carry no metadata and the head is empty: both answer, typed and empty
    expect(await client.metadata()).toEqual({});
    const status = await client.tsdbStatus();
    expect(status.headStats.numSeries).toBe(0);
    expect(Array.isArray(status.seriesCountByMetricName)).toBe(true);
  });

  it('fails when the query does not parse, with the API error type', async () => {
    const failure = client.query('sum(', end);
    await expect(failure).rejects.toBeInstanceOf(PrometheusApiError);
    await expect(failure).rejects.toThrow(/HTTP 400, bad_data.*parse error/);
  });

  it('fails when nothing listens, with PrometheusUnavailableError', async () => {
    const port = await freePort();
    const offline = new PrometheusClient({ baseUrl: `http://127.0.0.1:${port}` });
    const failure = offline.query('up', end);
    await expect(failure).rejects.toBeInstanceOf(PrometheusUnavailableError);
    await expect(failure).rejects.toThrow(/cannot reach Prometheus .*ECONNREFUSED/);
  });

  it('fails when the server does not answer in time, as unavailable (timeout)', async () => {
    // GIVEN a transport that never answers until aborted
    const hanging: typeof fetch = (_url, init) => new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason)));
    const slow = new PrometheusClient({ baseUrl: 'http://127.0.0.1:9', fetch: hanging, timeoutMs: 50 });
    await expect(slow.query('up', end)).rejects.toMatchObject({ name: 'PrometheusUnavailableError', reason: 'timeout' });
  });

  it('fails when the URL serves something else than the Prometheus API', async () => {
    const html: typeof fetch = async () => new Response('<html>login</html>', { status: 200 });
    const wrong = new PrometheusClient({ baseUrl: 'http://127.0.0.1:9', fetch: html });
    await expect(wrong.query('up', end)).rejects.toThrow(/not the Prometheus API's JSON/);
  });

  it('sends the configured headers', async () => {
    const seen: Array<Record<string, string>> = [];
    const recording: typeof fetch = async (url, init) => {
      seen.push(init?.headers as Record<string, string>);
      return fetch(url, init);
    };
    const tenant = new PrometheusClient({ baseUrl: prometheus.url, fetch: recording, headers: { 'X-Scope-OrgID': 'shadow' } });
    await tenant.labelValues('job');
    expect(seen[0]!['X-Scope-OrgID']).toBe('shadow');
  });

  it('reports the outage while stopped and answers again after a restart', async () => {
    // WHEN the server is killed mid-test
    await prometheus.kill();
    await expect(client.query('up', end)).rejects.toBeInstanceOf(PrometheusUnavailableError);
    // THEN after a restart the same data answers on the same URL
    await prometheus.restart();
    const result = await client.query('count(http_requests_total)', end);
    expect(result.resultType === 'vector' && result.result[0]!.value[1]).toBe(2);
  });
});
