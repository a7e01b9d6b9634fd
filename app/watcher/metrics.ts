import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CycleReport } from './cycle';

/** The watcher's own metrics, served at `/metrics` (Prometheus naming: `_total` counters, base units). */
export interface WatcherMetrics {
  readonly registry: Registry;
  readonly cycles: Counter<'outcome'>;
  readonly verdicts: Counter<'verdict' | 'action'>;
  readonly cycleDuration: Histogram;
  readonly queryErrors: Counter<'kind'>;
  readonly queries: Counter<'kind'>;
  readonly lastCycle: Gauge;
  /** Records a finished cycle. */
  observe(report: CycleReport, seconds: number): void;
}

/** Creates the metrics on a registry of their own (plus the process defaults), so tests can run several watchers. */
export function createWatcherMetrics(options: { defaults?: boolean } = {}): WatcherMetrics {
  const registry = new Registry();
  if (options.defaults ?? true) collectDefaultMetrics({ register: registry, prefix: 'phoenix_watcher_' });
  const cycles = new Counter({
    name: 'phoenix_watcher_cycles_total',
    help: 'Watcher cycles run, by outcome (ok: every source answered; degraded: some did not).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const verdicts = new Counter({
    name: 'phoenix_watcher_verdicts_total',
    help: 'Decisions made, by verdict of the newest window and proposed action.',
    labelNames: ['verdict', 'action'],
    registers: [registry],
  });
  const cycleDuration = new Histogram({
    name: 'phoenix_watcher_cycle_duration_seconds',
    help: 'Wall-clock duration of a watcher cycle.',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const queryErrors = new Counter({
    name: 'phoenix_watcher_query_errors_total',
    help: 'Prometheus queries that failed after every attempt, by kind (unavailable or failed).',
    labelNames: ['kind'],
    registers: [registry],
  });
  const queries = new Counter({
    name: 'phoenix_watcher_queries_total',
    help: 'Prometheus queries issued, by kind (shared, guardrail batched over experiments and variants, or guardrail-per-variant).',
    labelNames: ['kind'],
    registers: [registry],
  });
  const lastCycle = new Gauge({ name: 'phoenix_watcher_last_cycle_timestamp_seconds', help: 'Unix time the last cycle finished.', registers: [registry] });
  for (const kind of ['unavailable', 'failed']) queryErrors.inc({ kind }, 0);
  for (const verdict of ['pass', 'fail', 'inconclusive', 'error']) verdicts.inc({ verdict, action: 'none' }, 0);
  return {
    registry,
    cycles,
    verdicts,
    cycleDuration,
    queryErrors,
    queries,
    lastCycle,
    observe(report, seconds) {
      cycles.inc({ outcome: report.problems.length === 0 ? 'ok' : 'degraded' });
      cycleDuration.observe(seconds);
      for (const decision of report.decisions) verdicts.inc({ verdict: decision.verdict, action: decision.action });
      queries.inc({ kind: 'shared' }, report.sharedQueries);
      queries.inc({ kind: 'guardrail' }, report.guardrailQueries - report.perVariantGuardrailQueries);
      queries.inc({ kind: 'guardrail-per-variant' }, report.perVariantGuardrailQueries);
      lastCycle.set(Date.parse(report.finishedAt) / 1000);
    },
  };
}
