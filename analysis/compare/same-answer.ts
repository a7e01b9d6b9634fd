/**
 * "Same answer": two range-query results agree when they hold the same series (by labels,
 * optionally ignoring some, e.g. `phoenix_variant`) and, at every timestamp, the same points
 * with values equal within a relative tolerance (absolute where either side is 0). NaN equals
 * NaN; a point or series absent on one side and present on the other is a difference.
 * The proofs through a real Prometheus (recommend, consistency, zero loss) decide with this
 * function; a `topk`/`bottomk` answer is first aligned on its boundary ties (./ties.ts), as the
 * watcher's windowed comparison does too.
 */
import { alignSelectionTies, type Selection } from './ties';

/** One series of a range result: labels and `[unix seconds, value]` points in time order. */
export interface ResultSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: ReadonlyArray<readonly [number, number]>;
}

/** Options of {@link compareRangeResults}. */
export interface SameAnswerOptions {
  /** Relative tolerance; absolute when either value is 0. @default 1e-9 */
  readonly tolerance?: number;
  /** Labels left out of series identity (e.g. `phoenix_variant`). @default - none */
  readonly ignoreLabels?: readonly string[];
  /** At most this many differences are listed (the count is always exact). @default 20 */
  readonly maxDifferences?: number;
  /**
   * The query's answer is a `topk`/`bottomk` selection ({@link selectionOf}): series tied at the
   * boundary value may stand in for each other ({@link alignSelectionTies}). @default - none
   */
  readonly selection?: Selection;
}

/** One way the two results differ. */
export type AnswerDifference =
  | { readonly kind: 'missing-series'; readonly series: string }
  | { readonly kind: 'extra-series'; readonly series: string }
  | { readonly kind: 'missing-point'; readonly series: string; readonly timestamp: number; readonly expected: number }
  | { readonly kind: 'extra-point'; readonly series: string; readonly timestamp: number; readonly actual: number }
  | {
      readonly kind: 'value';
      readonly series: string;
      readonly timestamp: number;
      readonly expected: number;
      readonly actual: number;
      readonly relativeError: number;
    };

/** The verdict of {@link compareRangeResults}. */
export interface SameAnswerResult {
  readonly same: boolean;
  /** Points compared on both sides. */
  readonly comparedPoints: number;
  /** Total number of differences (the list may be shorter). */
  readonly differenceCount: number;
  readonly differences: readonly AnswerDifference[];
  /** Largest relative error among points present on both sides (0 when all equal). */
  readonly maxRelativeError: number;
}

/** Compares a result (`actual`) with the reference (`expected`); see the module doc for the rules. */
export function compareRangeResults(expected: readonly ResultSeries[], actual: readonly ResultSeries[], options: SameAnswerOptions = {}): SameAnswerResult {
  const tolerance = options.tolerance ?? 1e-9;
  const ignore = new Set(options.ignoreLabels ?? []);
  const limit = options.maxDifferences ?? 20;
  const differences: AnswerDifference[] = [];
  let differenceCount = 0;
  let comparedPoints = 0;
  let maxRelativeError = 0;
  const note = (d: AnswerDifference): void => {
    differenceCount += 1;
    if (differences.length < limit) differences.push(d);
  };

  const aligned = options.selection ? alignSelectionTies(expected, actual, options.selection, { ignoreLabels: [...ignore], tolerance }) : actual;
  const expectedByKey = indexByIdentity(expected, ignore);
  const actualByKey = indexByIdentity(aligned, ignore);
  for (const [key, want] of expectedByKey) {
    const got = actualByKey.get(key);
    if (!got) {
      note({ kind: 'missing-series', series: key });
      continue;
    }
    const gotAt = new Map<number, number>();
    for (const [t, v] of got.values) gotAt.set(t, v);
    for (const [t, v] of want.values) {
      if (!gotAt.has(t)) {
        note({ kind: 'missing-point', series: key, timestamp: t, expected: v });
        continue;
      }
      const a = gotAt.get(t)!;
      gotAt.delete(t);
      comparedPoints += 1;
      const error = relativeError(v, a);
      if (error > maxRelativeError) maxRelativeError = error;
      if (!valuesEqual(v, a, tolerance)) note({ kind: 'value', series: key, timestamp: t, expected: v, actual: a, relativeError: error });
    }
    for (const [t, a] of gotAt) note({ kind: 'extra-point', series: key, timestamp: t, actual: a });
  }
  for (const key of actualByKey.keys()) if (!expectedByKey.has(key)) note({ kind: 'extra-series', series: key });
  return { same: differenceCount === 0, comparedPoints, differenceCount, differences, maxRelativeError };
}

/** Whether two sample values are equal under the same-answer rules. */
export function valuesEqual(expected: number, actual: number, tolerance = 1e-9): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual);
  if (expected === actual) return true;
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return false;
  const diff = Math.abs(expected - actual);
  if (expected === 0 || actual === 0) return diff <= tolerance;
  return diff <= tolerance * Math.max(Math.abs(expected), Math.abs(actual));
}

function relativeError(expected: number, actual: number): number {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual) ? 0 : Infinity;
  if (expected === actual) return 0;
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return Infinity;
  const scale = Math.max(Math.abs(expected), Math.abs(actual));
  return Math.abs(expected - actual) / scale;
}

function indexByIdentity(series: readonly ResultSeries[], ignore: ReadonlySet<string>): Map<string, ResultSeries> {
  const out = new Map<string, ResultSeries>();
  for (const s of series) {
    const key = identity(s.metric, ignore);
    const existing = out.get(key);
    // Two series that differ only in ignored labels: keep both points lists merged (rare; a query bug).
    out.set(key, existing ? { metric: s.metric, values: [...existing.values, ...s.values] } : s);
  }
  return out;
}

function identity(metric: Readonly<Record<string, string>>, ignore: ReadonlySet<string>): string {
  const keys = Object.keys(metric)
    .filter((k) => !ignore.has(k))
    .sort();
  return `{${keys.map((k) => `${k}=${JSON.stringify(metric[k])}`).join(', ')}}`;
}
