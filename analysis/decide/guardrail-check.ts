import { alignSelectionTies, selectionOf, type Selection } from '../compare';
import { compareCounts, compareRelative, isZeroHeavy, meanOf, type Comparison } from './statistics';
import type { AnswerSeries, CheckResult, GuardrailAnswer, GuardrailInput, WindowSpan } from './types';
import { checkResult } from './verdict';

/** Defaults of a guardrail's comparison. */
export const GUARDRAIL_DEFAULTS = { relativeTolerance: 0.02, noiseFloor: 1e-9, hard: true } as const;

interface SeriesWindow {
  readonly labels: string;
  readonly values: number[];
}

/**
 * Compares one guardrail's answers for the baseline copy and a candidate within one window.
 * Series are matched by their labels; each matched pair is compared by the guardrail's statistic
 * (relative difference of window means, or Poisson-tolerant counts for zero-heavy series).
 * A series present on one side only is a changed answer; too few points is inconclusive.
 */
export function checkGuardrail(
  guardrail: GuardrailInput,
  baseline: GuardrailAnswer | undefined,
  candidate: GuardrailAnswer | undefined,
  window: WindowSpan,
  scrapeIntervalSeconds: number,
  minPointsFraction: number,
): CheckResult {
  const hard = guardrail.hard ?? GUARDRAIL_DEFAULTS.hard;
  const tolerance = guardrail.relativeTolerance ?? GUARDRAIL_DEFAULTS.relativeTolerance;
  const floor = guardrail.noiseFloor ?? GUARDRAIL_DEFAULTS.noiseFloor;
  const make = (verdict: CheckResult['verdict'], statistic: string, values: Parameters<typeof checkResult>[5], detail: string) =>
    checkResult('guardrail', guardrail.id, hard, verdict, statistic, values, detail);

  for (const [side, answer] of [
    ['baseline', baseline],
    ['candidate', candidate],
  ] as const) {
    if (!answer) return make('inconclusive', 'none', {}, `no answer for the ${side}`);
    if (answer.failure) {
      const verdict = answer.failure.kind === 'failed' ? 'error' : 'inconclusive';
      return make(verdict, 'none', {}, `${side} query ${answer.failure.kind}: ${answer.failure.message}`);
    }
  }

  const windowSeconds = window.end - window.start;
  const minPoints = Math.max(1, Math.ceil((minPointsFraction * windowSeconds) / scrapeIntervalSeconds));
  const b = sliceWindow(baseline!.series ?? [], window);
  const c = sliceWindow(alignTies(baseline!, candidate!), window);
  const keys = new Set([...b.keys(), ...c.keys()]);
  if (keys.size === 0) {
    return make('pass', 'absent equals absent', {}, 'neither variant returned a series in this window');
  }

  let worst: { key: string; bm: number | null; cm: number | null; comparison: Comparison; statistic: string } | undefined;
  let inconclusive: string | undefined;
  for (const key of [...keys].sort()) {
    const bv = b.get(key)?.values ?? [];
    const cv = c.get(key)?.values ?? [];
    if (bv.length === 0 || cv.length === 0) {
      const present = bv.length > 0 ? bv : cv;
      if (present.length >= minPoints) {
        const side = bv.length > 0 ? 'baseline' : 'candidate';
        return make(
          'fail',
          'series presence',
          { baseline: meanOf(bv), candidate: meanOf(cv) },
          `series ${key} is answered for the ${side} only: the candidate changes the answer's shape`,
        );
      }
      inconclusive ??= `series ${key} has ${present.length} point(s) on one side only, fewer than ${minPoints}`;
      continue;
    }
    if (bv.length < minPoints || cv.length < minPoints) {
      inconclusive ??= `series ${key} has ${Math.min(bv.length, cv.length)} point(s) in the window, fewer than ${minPoints}`;
      continue;
    }
    const bm = meanOf(bv)!;
    const cm = meanOf(cv)!;
    const useCounts = guardrail.comparison === 'count' || (guardrail.comparison !== 'relative' && isZeroHeavy([...bv, ...cv], floor));
    const comparison = useCounts ? compareCounts(bm * windowSeconds, cm * windowSeconds, tolerance) : compareRelative(bm, cm, tolerance, floor);
    const statistic = useCounts ? 'absolute increase with Poisson tolerance' : 'relative difference of window means';
    const score = comparison.threshold > 0 ? comparison.difference / comparison.threshold : comparison.difference;
    const worstScore = worst ? (worst.comparison.threshold > 0 ? worst.comparison.difference / worst.comparison.threshold : worst.comparison.difference) : -1;
    if (score > worstScore) worst = { key, bm, cm, comparison, statistic };
  }

  if (worst && !worst.comparison.same) {
    const { bm, cm, comparison } = worst;
    return make(
      'fail',
      worst.statistic,
      { baseline: bm, candidate: cm, difference: comparison.difference, threshold: comparison.threshold },
      `series ${worst.key} differs beyond the tolerance (${keys.size} series compared)`,
    );
  }
  if (inconclusive) return make('inconclusive', worst?.statistic ?? 'none', {}, inconclusive);
  const best = worst!;
  return make(
    'pass',
    best.statistic,
    { baseline: best.bm, candidate: best.cm, difference: best.comparison.difference, threshold: best.comparison.threshold },
    `${keys.size} series within the tolerance; the closest to it is ${best.key}`,
  );
}

/**
 * The candidate's series with `topk`/`bottomk` boundary ties moved onto the baseline series they
 * stand in for: both are right answers, picked by an order that includes `phoenix_variant`.
 */
function alignTies(baseline: GuardrailAnswer, candidate: GuardrailAnswer): readonly AnswerSeries[] {
  const series = candidate.series ?? [];
  // Parsed once per answer, not once per window and candidate: most of the decision time otherwise.
  let selection = selections.get(baseline);
  if (selection === undefined) selections.set(baseline, (selection = selectionOf(baseline.query) ?? null));
  if (!selection || series.length === 0) return series;
  const toResult = (s: AnswerSeries) => ({ metric: s.labels, values: s.points });
  const aligned = alignSelectionTies((baseline.series ?? []).map(toResult), series.map(toResult), selection);
  return aligned.map((s) => ({ labels: s.metric, points: s.values }));
}

const selections = new WeakMap<GuardrailAnswer, Selection | null>();

/** Labels as a stable key: `{a="1",b="2"}`. */
export function labelKey(labels: Readonly<Record<string, string>>): string {
  return `{${Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`)
    .join(',')}}`;
}

const keyCache = new WeakMap<AnswerSeries, string>();

/** Points with `start < t ≤ end` (Prometheus' own left-open ranges), finite values only, by label key. Points are in time order. */
function sliceWindow(series: readonly AnswerSeries[], window: WindowSpan): Map<string, SeriesWindow> {
  const out = new Map<string, SeriesWindow>();
  for (const s of series) {
    let key = keyCache.get(s);
    if (key === undefined) keyCache.set(s, (key = labelKey(s.labels)));
    const points = s.points;
    // first point after the window's start (binary search; points are sorted by time)
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (points[mid]![0] <= window.start) lo = mid + 1;
      else hi = mid;
    }
    const values: number[] = [];
    for (let i = lo; i < points.length; i += 1) {
      const point = points[i]!;
      if (point[0] > window.end) break;
      if (Number.isFinite(point[1])) values.push(point[1]);
    }
    if (values.length > 0) out.set(key, { labels: key, values });
  }
  return out;
}
