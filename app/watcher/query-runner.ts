import type { RangeQueryResult } from '../../clients/prometheus/types';
import { PrometheusApiError, PrometheusUnavailableError, type UnavailableReason } from '../../clients/prometheus/errors';

/** A range query against one Prometheus-compatible endpoint. */
export type QueryRange = (expr: string, start: number, end: number, stepSeconds: number) => Promise<RangeQueryResult>;

/** A query that kept failing: `unavailable` (not reachable → inconclusive) or `failed` (rejected → error). */
export interface QueryFailure {
  readonly kind: 'unavailable' | 'failed';
  readonly message: string;
  /** Why an `unavailable` query was not answered. @default - not known */
  readonly reason?: UnavailableReason;
}

/** Waits between attempts: exponential backoff with full jitter. */
export interface RetryBackoff {
  /** The cap of the first retry's wait. @default 200 */
  readonly baseMs?: number;
  /** No wait is longer. @default 5000 */
  readonly maxMs?: number;
  /** Uniform in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** @default - a timer */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The wait before retry `retry` (1 for the first): uniform in [0, min(maxMs, baseMs × 2^(retry−1))]
 * ("full jitter"), so watcher replicas and queries that failed together do not retry together.
 */
export function backoffDelayMs(retry: number, backoff: RetryBackoff = {}): number {
  const cap = Math.min(backoff.maxMs ?? 5_000, (backoff.baseMs ?? 200) * 2 ** (retry - 1));
  return Math.floor((backoff.random ?? Math.random)() * cap);
}

/** The outcome of one query. */
export type QueryOutcome = { readonly ok: true; readonly result: RangeQueryResult } | { readonly ok: false; readonly failure: QueryFailure };

/**
 * Runs a cycle's range queries: identical queries (same endpoint, expression, range and step)
 * are issued once, at most `concurrency` at a time, each tried up to `attempts` times with
 * exponential backoff and full jitter between tries (see {@link backoffDelayMs}). Counts
 * what it issued, for the cycle report and the benchmark.
 */
export class QueryRunner {
  /** Queries sent (after de-duplication, before retries). */
  issued = 0;
  /** Queries sent, by the category the caller gave. */
  readonly issuedBy: Record<string, number> = {};
  /** Queries that failed after every attempt. */
  failed = 0;
  private readonly cache = new Map<string, Promise<QueryOutcome>>();
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly attempts: number,
    private readonly concurrency: number,
    private readonly onFailure: (endpoint: string, failure: QueryFailure) => void = () => undefined,
    private readonly backoff: RetryBackoff = {},
  ) {}

  /** Runs (or reuses) one range query on `endpoint` (a key naming the endpoint) through `run`. */
  range(endpoint: string, run: QueryRange, expr: string, start: number, end: number, step: number, category = 'query'): Promise<QueryOutcome> {
    const key = `${endpoint}\u0000${expr}\u0000${start}\u0000${end}\u0000${step}`;
    let pending = this.cache.get(key);
    if (!pending) {
      this.issued += 1;
      this.issuedBy[category] = (this.issuedBy[category] ?? 0) + 1;
      pending = this.limited(() => this.tryRun(run, expr, start, end, step)).then((outcome) => {
        if (!outcome.ok) {
          this.failed += 1;
          this.onFailure(endpoint, outcome.failure);
        }
        return outcome;
      });
      this.cache.set(key, pending);
    }
    return pending;
  }

  private async tryRun(run: QueryRange, expr: string, start: number, end: number, step: number): Promise<QueryOutcome> {
    let failure: QueryFailure | undefined;
    for (let attempt = 0; attempt < this.attempts; attempt += 1) {
      if (attempt > 0) {
        const wait = backoffDelayMs(attempt, this.backoff);
        await (this.backoff.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))))(wait);
      }
      try {
        return { ok: true, result: await run(expr, start, end, step) };
      } catch (error) {
        failure = classify(error);
        // A query Prometheus rejects as malformed will not parse on a second try either.
        if (error instanceof PrometheusApiError && error.status >= 400 && error.status < 500) break;
      }
    }
    return { ok: false, failure: failure! };
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active += 1;
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.waiting.shift()?.();
    }
  }
}

/** Unreachable (connection, timeout, 502/503/504) is "no data"; anything else Prometheus said is a failure. */
export function classify(error: unknown): QueryFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof PrometheusUnavailableError) return { kind: 'unavailable', message, reason: error.reason };
  return { kind: 'failed', message };
}
