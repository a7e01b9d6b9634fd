import { describe, expect, it } from 'vitest';
import { ApiSnapshotBuilder, ExpositionParser, parseExposition, seriesKey } from './index';

describe('parseExposition', () => {
  it('reads series, types and histogram families from Prometheus text', () => {
    // GIVEN a Prometheus text exposition with a histogram, a counter and an untyped metric
    const text = [
      '# HELP http_request_duration_seconds Request latency.',
      '# TYPE http_request_duration_seconds histogram',
      'http_request_duration_seconds_bucket{route="/a",le="0.1"} 3',
      'http_request_duration_seconds_bucket{route="/a",le="+Inf"} 5',
      'http_request_duration_seconds_sum{route="/a"} 0.4',
      'http_request_duration_seconds_count{route="/a"} 5',
      '# TYPE http_requests_total counter',
      'http_requests_total{route="/a",code="200"} 10 1700000000000',
      'plain_metric 1',
    ].join('\n');
    // WHEN parsed
    const snapshot = parseExposition(text, 'x.prom');
    // THEN every series is there with its family's type
    expect(snapshot.series).toHaveLength(6);
    expect(snapshot.series.filter((s) => s.type === 'histogram').map((s) => s.name)).toEqual([
      'http_request_duration_seconds_bucket',
      'http_request_duration_seconds_bucket',
      'http_request_duration_seconds_sum',
      'http_request_duration_seconds_count',
    ]);
    expect(snapshot.series[4]).toEqual({ name: 'http_requests_total', labels: { route: '/a', code: '200' }, type: 'counter' });
    expect(snapshot.series[5]!.type).toBeUndefined();
    expect(snapshot.families.get('http_request_duration_seconds')).toEqual({ type: 'histogram', help: 'Request latency.' });
  });

  it('reads OpenMetrics counters typed by family, repeated samples once, escaped values', () => {
    const text = ['# TYPE jobs counter', 'jobs_total{q="a\\"b\\\\c\\nd"} 1 100', 'jobs_total{q="a\\"b\\\\c\\nd"} 2 160', '# EOF', ''].join('\n');
    const snapshot = parseExposition(text);
    expect(snapshot.series).toEqual([{ name: 'jobs_total', labels: { q: 'a"b\\c\nd' }, type: 'counter' }]);
  });

  it('interns repeated label strings', () => {
    const parser = new ExpositionParser('big.prom');
    for (let i = 0; i < 100; i++) parser.push(`m{pod="pod-${i % 3}",route="/users"} 1`);
    const snapshot = parser.finish();
    expect(snapshot.series).toHaveLength(3);
    expect(snapshot.series[0]!.labels.route).toBe(snapshot.series[1]!.labels.route);
  });

  it('fails when a line is malformed, naming file, line and column', () => {
    expect(() => parseExposition('ok 1\nbad{x=1} 2\n', 'snap.prom')).toThrow(/^snap\.prom:2:7: expected a quoted value for label x/);
    expect(() => parseExposition('m{a="1"}\n', 'snap.prom')).toThrow(/snap\.prom:1:9: expected a space and a value/);
    expect(() => parseExposition('m{a="1"} abc\n', 'snap.prom')).toThrow(/expected a sample value, got "abc"/);
    expect(() => parseExposition('# TYPE m weird\n', 'snap.prom')).toThrow(/snap\.prom:1:10: unknown metric type "weird"/);
    expect(() => parseExposition('# EOF\nm 1\n', 'snap.prom')).toThrow(/content after "# EOF"/);
  });
});

describe('ApiSnapshotBuilder', () => {
  it('builds series from API pages with types from metadata', () => {
    const builder = new ApiSnapshotBuilder('http://prom', { rpc_duration_seconds: [{ type: 'histogram', help: '', unit: '' }] });
    builder.add([
      { __name__: 'rpc_duration_seconds_bucket', le: '1', job: 'a' },
      { __name__: 'up', job: 'a' },
    ]);
    const snapshot = builder.finish();
    expect(snapshot.series).toEqual([
      { name: 'rpc_duration_seconds_bucket', labels: { le: '1', job: 'a' }, type: 'histogram' },
      { name: 'up', labels: { job: 'a' } },
    ]);
  });
});

describe('seriesKey', () => {
  it('sorts labels and escapes values', () => {
    expect(seriesKey('m', { b: '2', a: 'x"y' })).toBe('m{a="x\\"y",b="2"}');
  });
});
