import { EXPERIMENT_LABEL, VARIANT_LABEL, sharedQueries, type SharedSignal } from '../../analysis/decide/queries';
import type { GuardrailAnswer, Observation, VariantUsage, WindowSpan } from '../../analysis/decide/types';
import type { QueryFailure, QueryRange, QueryRunner } from './query-runner';

/** One endpoint's shared measurements over a window grid: experiment → variant → usage. */
export interface SharedMeasurement {
  readonly grid: readonly WindowSpan[];
  readonly usage: ReadonlyMap<string, Record<string, VariantUsage>>;
  readonly queries: readonly string[];
  readonly failures: readonly QueryFailure[];
}

const SIGNALS: readonly SharedSignal[] = [
  'activeSeries',
  'samplesPerSecond',
  'lagSeconds',
  'droppedPoints',
  'sendFailedPoints',
  'refusedPoints',
  'memoryBytes',
];

/**
 * Runs the shared cost and health queries for one endpoint and window length: one range query
 * per signal, step = window, evaluated at the window ends. The answer covers every experiment.
 */
export async function measureShared(
  runner: QueryRunner,
  endpoint: string,
  run: QueryRange,
  grid: readonly WindowSpan[],
  extraMatchers: readonly string[],
): Promise<SharedMeasurement> {
  const windowSeconds = grid[0]!.end - grid[0]!.start;
  const queries = sharedQueries(windowSeconds, extraMatchers);
  const first = grid[0]!.end;
  const last = grid[grid.length - 1]!.end;
  const outcomes = await Promise.all(queries.map((q) => runner.range(endpoint, run, q.query, first, last, windowSeconds, 'shared')));
  const usage = new Map<string, Record<string, VariantUsage>>();
  const failures: QueryFailure[] = [];
  const variantUsage = (experiment: string, variant: string): Record<SharedSignal, Array<number | null>> => {
    let byVariant = usage.get(experiment);
    if (!byVariant) usage.set(experiment, (byVariant = {}));
    let entry = byVariant[variant];
    if (!entry) {
      const blank = () => grid.map(() => null as number | null);
      entry = byVariant[variant] = Object.fromEntries(SIGNALS.map((s) => [s, blank()])) as unknown as VariantUsage;
    }
    return entry as unknown as Record<SharedSignal, Array<number | null>>;
  };
  queries.forEach((query, i) => {
    const outcome = outcomes[i]!;
    if (!outcome.ok) {
      failures.push(outcome.failure);
      return;
    }
    for (const series of outcome.result.result) {
      const experiment = series.metric[EXPERIMENT_LABEL];
      const variant = series.metric[VARIANT_LABEL];
      if (!experiment || !variant) continue;
      const values = variantUsage(experiment, variant)[query.signal];
      for (const [t, v] of series.values) {
        const index = Math.round((t - first) / windowSeconds);
        if (index >= 0 && index < grid.length && Number.isFinite(v)) values[index] = v;
      }
    }
  });
  // A signal with no series for a variant that has usage means "nothing counted": health counters
  // that exist for other variants are left null (missing), never invented as zero.
  return { grid, usage, queries: queries.map((q) => q.query), failures };
}

/** Cuts one experiment's observation out of the shared measurement and its guardrail answers. */
export function observationOf(shared: SharedMeasurement, experiment: string, guardrails: Record<string, Record<string, GuardrailAnswer>>): Observation {
  return {
    windows: shared.grid,
    usage: shared.usage.get(experiment) ?? {},
    guardrails,
    queries: shared.queries,
    failures: shared.failures,
  };
}
