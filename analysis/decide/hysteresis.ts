import type { Verdict, WindowResult } from './types';

/** Streaks at the end of a window sequence, counting decisive windows only. */
export interface Streaks {
  /** The verdict after hysteresis. */
  readonly standing: Verdict;
  /** Trailing consecutive passing windows (inconclusive and error windows skipped, never reset). */
  readonly passes: number;
  /** Trailing consecutive passing windows whose saving also meets the minimum. */
  readonly qualifyingPasses: number;
  /** Trailing consecutive windows with a hard failure. */
  readonly hardFailures: number;
  /** Trailing consecutive failing windows (hard or soft). */
  readonly failures: number;
}

/**
 * Hysteresis over windows, oldest first: the standing verdict starts `inconclusive`, becomes
 * `pass` after `reversal` consecutive decisive passes, `fail` after `reversal` consecutive
 * failures or `failureLimit` consecutive hard failures, and otherwise keeps its value. An
 * inconclusive or error window neither counts nor breaks a streak, so a gap in the data never
 * flips a verdict.
 */
export function streaksOf(windows: readonly WindowResult[], reversal: number, failureLimit: number): Streaks {
  let standing: Verdict = 'inconclusive';
  let passes = 0;
  let qualifyingPasses = 0;
  let hardFailures = 0;
  let failures = 0;
  for (const window of windows) {
    if (window.verdict === 'pass') {
      passes += 1;
      qualifyingPasses = window.savingSufficient ? qualifyingPasses + 1 : 0;
      failures = 0;
      hardFailures = 0;
      if (passes >= reversal) standing = 'pass';
    } else if (window.verdict === 'fail') {
      failures += 1;
      hardFailures = window.hardFailure ? hardFailures + 1 : 0;
      passes = 0;
      qualifyingPasses = 0;
      if (failures >= reversal || hardFailures >= failureLimit) standing = 'fail';
    }
  }
  return { standing, passes, qualifyingPasses, hardFailures, failures };
}
