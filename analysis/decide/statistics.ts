/**
 * The statistics the watcher compares a candidate's answers with the baseline copy's by.
 * Named and documented in docs/watcher.md ("Statistics").
 */

/** Mean of the finite values; `null` when there are none. */
export function meanOf(values: Iterable<number>): number | null {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    sum += value;
    count += 1;
  }
  return count === 0 ? null : sum / count;
}

/** Outcome of one comparison: the measured difference and the largest one that still passes. */
export interface Comparison {
  readonly same: boolean;
  readonly difference: number;
  readonly threshold: number;
}

/**
 * Relative difference of window means with a noise floor: `|c − b| / max(|b|, floor)`, passing
 * when at most `tolerance`. Two means both within the floor of zero are equal.
 */
export function compareRelative(baselineMean: number, candidateMean: number, tolerance: number, noiseFloor: number): Comparison {
  if (Math.abs(baselineMean) <= noiseFloor && Math.abs(candidateMean) <= noiseFloor) {
    return { same: true, difference: 0, threshold: tolerance };
  }
  const difference = Math.abs(candidateMean - baselineMean) / Math.max(Math.abs(baselineMean), noiseFloor);
  return { same: difference <= tolerance, difference, threshold: tolerance };
}

/** How many standard deviations of Poisson noise two counts may differ by. */
export const POISSON_SIGMAS = 3;

/**
 * Counts compared by absolute increase with a Poisson-style tolerance: two event counts `b` and
 * `c` over the same window agree when `|c − b| ≤ max(1, 3·√(b + c)) + tolerance·max(b, c)`. The
 * variance of a difference of two Poisson counts is `b + c`; the `max(1, …)` keeps single stray
 * events (0 vs 1) from counting as a change, so zero-heavy error counters do not flap.
 */
export function compareCounts(baselineCount: number, candidateCount: number, tolerance: number): Comparison {
  const b = Math.max(0, baselineCount);
  const c = Math.max(0, candidateCount);
  const threshold = Math.max(1, POISSON_SIGMAS * Math.sqrt(b + c)) + tolerance * Math.max(b, c);
  const difference = Math.abs(c - b);
  return { same: difference <= threshold, difference, threshold };
}

/**
 * One-sided version of {@link compareCounts} for collector health: the candidate may have fewer
 * dropped/failed/refused points than the baseline copy, never more beyond the Poisson tolerance.
 */
export function compareCountsNoWorse(baselineCount: number, candidateCount: number, tolerance: number): Comparison {
  const b = Math.max(0, baselineCount);
  const c = Math.max(0, candidateCount);
  const threshold = Math.max(1, POISSON_SIGMAS * Math.sqrt(b + c)) + tolerance * b;
  const difference = c - b;
  return { same: difference <= threshold, difference, threshold };
}

/** Whether a series is zero-heavy: at least half of its finite values are (within the floor of) zero. */
export function isZeroHeavy(values: readonly number[], noiseFloor: number): boolean {
  let finite = 0;
  let zeros = 0;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    finite += 1;
    if (Math.abs(value) <= noiseFloor) zeros += 1;
  }
  return finite > 0 && zeros * 2 >= finite;
}
