import { describe, expect, it } from 'vitest';
import { backoffDelayMs, QueryRunner, type QueryRange } from '../../app/watcher/query-runner';
import { PrometheusApiError, PrometheusUnavailableError } from '../../clients/prometheus/errors';

const empty = { result: [], warnings: [] };

describe('QueryRunner', () => {
  it('sends identical queries once and keeps at most `concurrency` in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    let calls = 0;
    const run: QueryRange = async () => {
      calls += 1;
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return empty;
    };
    const runner = new QueryRunner(3, 2);
    await Promise.all([
      runner.range('p', run, 'up', 0, 60, 60, 'shared'),
      runner.range('p', run, 'up', 0, 60, 60, 'shared'),
      ...['a', 'b', 'c', 'd'].map((q) => runner.range('p', run, q, 0, 60, 60, 'guardrail')),
    ]);
    expect(calls).toBe(5);
    expect(runner.issuedBy).toEqual({ shared: 1, guardrail: 4 });
    expect(peak).toBeLessThanOrEqual(2);
  });

  it('retries an unreachable Prometheus and reports it as unavailable (inconclusive)', async () => {
    let calls = 0;
    const failures: string[] = [];
    const runner = new QueryRunner(3, 1, (_endpoint, failure) => failures.push(failure.kind));
    const outcome = await runner.range(
      'p',
      async () => {
        calls += 1;
        throw new PrometheusUnavailableError('cannot reach Prometheus', 'http://127.0.0.1:1', 'connection');
      },
      'up',
      0,
      60,
      60,
    );
    expect(calls).toBe(3);
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'unavailable' } });
    expect(failures).toEqual(['unavailable']);
  });

  it('does not retry a query Prometheus rejects, and reports it as failed (error)', async () => {
    let calls = 0;
    const runner = new QueryRunner(3, 1);
    const outcome = await runner.range(
      'p',
      async () => {
        calls += 1;
        throw new PrometheusApiError('rejected: parse error', 'http://127.0.0.1:1', 400, 'bad_data');
      },
      'sum(',
      0,
      60,
      60,
    );
    expect(calls).toBe(1);
    expect(outcome).toMatchObject({ ok: false, failure: { kind: 'failed' } });
    expect(runner.failed).toBe(1);
  });

  it('waits with exponential backoff and full jitter between tries, a bounded number of times', async () => {
    // GIVEN an unreachable Prometheus, 4 attempts, and a recorded clock
    const waits: number[] = [];
    const times: number[] = [];
    let now = 0;
    const runner = new QueryRunner(4, 1, undefined, { baseMs: 100, maxMs: 250, random: () => 0.999, sleep: async (ms) => void (waits.push(ms), (now += ms)) });
    // WHEN the query is run
    const outcome = await runner.range(
      'p',
      async () => {
        times.push(now);
        throw new PrometheusUnavailableError('cannot reach Prometheus', 'http://127.0.0.1:1', 'connection');
      },
      'up',
      0,
      60,
      60,
    );
    // THEN it is tried 4 times, waiting up to 100, 200, then the 250 cap
    expect(outcome.ok).toBe(false);
    expect(times).toHaveLength(4);
    expect(waits).toEqual([99, 199, 249]);
  });

  it('draws each wait uniformly below its cap (full jitter)', () => {
    const draws = [0, 0.25, 0.5, 0.999];
    expect(draws.map((r) => backoffDelayMs(3, { baseMs: 200, random: () => r }))).toEqual([0, 200, 400, 799]);
    expect(backoffDelayMs(30, { baseMs: 200, maxMs: 5000, random: () => 0.5 })).toBe(2500);
    // the real jitter spreads: 200 draws of the first retry are not all equal and stay below 200
    const spread = new Set(Array.from({ length: 200 }, () => backoffDelayMs(1)));
    expect(spread.size).toBeGreaterThan(50);
    expect(Math.max(...spread)).toBeLessThan(200);
  });
});
