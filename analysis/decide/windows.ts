import type { WindowSpan } from './types';

/** Shortest warm-up after Flux applied a revision, in seconds. */
export const MIN_WARM_UP_SECONDS = 300;

/**
 * Warm-up before measuring: the larger of two scrape intervals and 5 minutes, so rates over a
 * fresh pipeline have at least two samples and counters have settled after the rollout.
 */
export function warmUpSeconds(scrapeIntervalSeconds: number): number {
  return Math.max(2 * scrapeIntervalSeconds, MIN_WARM_UP_SECONDS);
}

/**
 * The grid of complete windows ending at or before `nowSeconds`: windows of `windowSeconds`
 * aligned to multiples of it since the epoch (so every experiment with the same window length
 * shares the same windows and one range query serves them all), newest last, at most `count`.
 */
export function windowGrid(nowSeconds: number, windowSeconds: number, count: number): WindowSpan[] {
  if (!(windowSeconds > 0) || !Number.isInteger(windowSeconds))
    throw new Error(`window length must be a positive whole number of seconds, got ${windowSeconds}`);
  const lastEnd = Math.floor(nowSeconds / windowSeconds) * windowSeconds;
  const windows: WindowSpan[] = [];
  for (let i = count - 1; i >= 0; i -= 1) {
    const end = lastEnd - i * windowSeconds;
    windows.push({ start: end - windowSeconds, end });
  }
  return windows;
}

/**
 * When measuring may start: the later of the time Flux reported the revision Ready and the time
 * the lifecycle phase was entered, plus the warm-up. `null` when neither time is known.
 */
export function measurementStartSeconds(readySince: string | undefined, phaseSince: string | undefined, scrapeIntervalSeconds: number): number | null {
  const times = [readySince, phaseSince]
    .filter((t): t is string => t !== undefined)
    .map((t) => Date.parse(t) / 1000)
    .filter(Number.isFinite);
  if (times.length === 0 || readySince === undefined) return null;
  return Math.max(...times) + warmUpSeconds(scrapeIntervalSeconds);
}

/** Indexes of the grid windows that start at or after `startSeconds`. */
export function windowsFrom(grid: readonly WindowSpan[], startSeconds: number): number[] {
  const indexes: number[] = [];
  grid.forEach((window, index) => {
    if (window.start >= startSeconds) indexes.push(index);
  });
  return indexes;
}
