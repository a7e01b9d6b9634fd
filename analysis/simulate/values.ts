import type { Labels } from '../series/model';
import type { AggregationFunction, HistogramPeers, OutputSeries, ValueNode } from './model';

/** `[unix seconds, value]` samples in time order. */
export type Samples = ReadonlyArray<readonly [number, number]>;

/** A series with its samples, as tests backfill them. */
export interface SeriesWithSamples {
  readonly name: string;
  readonly labels: Labels;
  readonly samples: Samples;
}

/** Options of {@link simulateValues}. */
export interface ValueOptions {
  /**
   * Which point `deltatocumulative` keeps when a merge leaves several points of one stream at one
   * timestamp (their deltas start at different times, so `aggregate_on_attributes` does not add
   * them; the collector keeps whichever comes first, in no fixed order): the one whose delta
   * starts latest (the streams that reported at the previous scrape) or earliest (a stream back
   * from a gap, or a histogram back above its pre-reset reference).
   * @default 'latest-start'
   */
  readonly conflict?: 'latest-start' | 'earliest-start';
  /**
   * Whether the source sets start times, as OTLP SDKs do (`'set'`), or not, as the `prometheus`
   * receiver's points (`'absent'`). With start times, `cumulativetodelta` knows a restarted or new
   * stream by its new start time: a stream whose first sample is not at the input's first
   * timestamp (a new pod) and a stream that decreases (a restarted process) started after the
   * collector, and their first value counts whole (`initial_value: auto`); only the first point of
   * a stream present from the input's start is dropped (its process predates the collector).
   * Measured in test/collector/real-otlp-restart.test.ts.
   * @default 'absent'
   */
  readonly startTimes?: 'absent' | 'set';
}

/**
 * Value-level simulation: the samples of each output series, computed from the input series'
 * samples (by input index) through the provenance the structural simulation recorded
 * (`trackValues: true`). Aggregation is per timestamp over the inputs that have a sample at
 * it (inputs are assumed scraped at the same instants; delta points only merge when their
 * deltas start at the same time); `cumulativetodelta` and `deltatocumulative` are modelled as
 * the pinned collector runs them on points without a start time (see {@link evaluateNode}); a
 * collision keeps the last writer's value at each timestamp.
 */
export function simulateValues(output: readonly OutputSeries[], inputSamples: ReadonlyArray<Samples>, options: ValueOptions = {}): SeriesWithSamples[] {
  const cache = evaluationCache(inputSamples, options);
  return output.map((series) => {
    if (!series.node) throw new Error(`output series ${series.name} has no value provenance: simulate with trackValues: true`);
    return { name: series.name, labels: series.labels, samples: collapse(evaluate(series.node, inputSamples, cache)) };
  });
}

/** State shared by the evaluation of one output set: histogram reset decisions, computed once per histogram point. */
interface EvaluationCache {
  readonly histograms: Map<HistogramPeers, ReadonlyMap<number, number>>;
  readonly conflict: 'latest-start' | 'earliest-start';
  /** With start times set: the input's first timestamp (a stream first seen later is new). */
  readonly firstSeen?: number;
}

/** Reference time of a delta counted from zero (a stream that started after the collector): its value counts whole. */
const FROM_ZERO = -Infinity;

function evaluationCache(inputs: ReadonlyArray<Samples>, options: ValueOptions): EvaluationCache {
  const conflict = options.conflict ?? 'latest-start';
  if (options.startTimes !== 'set') return { histograms: new Map(), conflict };
  let firstSeen = Infinity;
  for (const samples of inputs) if (samples.length > 0 && samples[0]![0] < firstSeen) firstSeen = samples[0]![0];
  return { histograms: new Map(), conflict, firstSeen };
}

/** A delta's start when its stream started after the collector at `t`: just before it, shared by every stream of that restart. */
const restartStart = (t: number) => t - 1e-6;

/** A sample while it flows: time, value and, for a delta, when the delta starts. */
type Point = [t: number, v: number, start?: number];

/**
 * The samples a provenance node produces. `delta` is the pinned collector's `cumulativetodelta`
 * (v0.161.0, `initial_value: auto`, points without a start time as the `prometheus` receiver
 * writes them; measured in test/collector/real-loop.test.ts and real-resets.test.ts):
 * - a stream's first point is dropped (it only becomes the reference);
 * - a counter that decreases (a reset) emits NO delta and becomes the reference with its new
 *   value: the increase from the restart to its first point after it is never counted;
 * - a histogram point (its buckets and count together) that decreases anywhere emits nothing and
 *   the reference stays the point before the reset, so nothing is emitted until every bucket
 *   and the count are back above it, and the first delta then is measured from it;
 * - a stream that disappears and comes back is one stream: its next point is compared with its
 *   last one (the state lives for `max_staleness`, default 1 h, which is not modelled);
 * - each delta starts at its reference's time. `aggregate_on_attributes` merges delta points
 *   only when they start at the same time; `deltatocumulative` keeps one point per timestamp
 *   (see {@link ValueOptions.conflict}) and is a running sum from the first delta.
 */
export function evaluateNode(node: ValueNode, inputs: ReadonlyArray<Samples>, options: ValueOptions = {}): Array<[number, number]> {
  return collapse(evaluate(node, inputs, evaluationCache(inputs, options)));
}

/** One sample per timestamp (delta points that did not merge are added: they never reach Prometheus as such). */
function collapse(points: readonly Point[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [t, v] of points) {
    const last = out[out.length - 1];
    if (last && last[0] === t) last[1] += v;
    else out.push([t, v]);
  }
  return out;
}

function evaluate(node: ValueNode, inputs: ReadonlyArray<Samples>, cache: EvaluationCache): Point[] {
  switch (node.kind) {
    case 'input': {
      const samples = inputs[node.index];
      if (!samples) throw new Error(`no samples for input series #${node.index}`);
      return samples.map(([t, v]): Point => [t, v]);
    }
    case 'aggregate':
      return aggregateAt(
        node.children.map((c) => evaluate(c, inputs, cache)),
        node.fn,
      );
    case 'delta': {
      const child = collapse(evaluate(node.child, inputs, cache));
      if (node.histogram && (node.histogram.count || node.histogram.buckets.length > 0)) {
        let references = cache.histograms.get(node.histogram);
        if (!references) cache.histograms.set(node.histogram, (references = histogramReferences(node.histogram, inputs, cache)));
        const byTime = new Map(child);
        const out: Point[] = [];
        for (const [t, v] of child) {
          const reference = references.get(t);
          if (reference === FROM_ZERO) out.push([t, v, restartStart(t)]);
          const previous = reference === undefined ? undefined : byTime.get(reference);
          if (previous !== undefined) out.push([t, v - previous, reference]);
        }
        return out;
      }
      const out: Point[] = [];
      let previous: [number, number] | undefined;
      const started = cache.firstSeen !== undefined;
      for (const [t, current] of child) {
        if (previous === undefined) {
          if (started && t > cache.firstSeen!) out.push([t, current, restartStart(t)]);
        } else if (current >= previous[1]) out.push([t, current - previous[1], previous[0]]);
        else if (started) out.push([t, current, restartStart(t)]);
        previous = [t, current];
      }
      return out;
    }
    case 'start':
      return evaluate(node.child, inputs, cache).map(([t, v]): Point => [t, v, node.at]);
    case 'cumulative': {
      const child = evaluate(node.child, inputs, cache);
      const out: Point[] = [];
      let total = 0;
      for (let i = 0; i < child.length;) {
        let j = i;
        let chosen = child[i]!;
        for (; j < child.length && child[j]![0] === chosen[0]; j++) {
          const start = child[j]![2] ?? -Infinity;
          const best = chosen[2] ?? -Infinity;
          if (cache.conflict === 'latest-start' ? start > best : start < best) chosen = child[j]!;
        }
        out.push([chosen[0], (total += chosen[1])]);
        i = j;
      }
      return out;
    }
    case 'collide': {
      const byTime = new Map<number, Point>();
      for (const child of node.children) for (const p of evaluate(child, inputs, cache)) byTime.set(p[0], p);
      return [...byTime.values()].sort((a, b) => a[0] - b[0]);
    }
  }
}

/**
 * For each timestamp at which a histogram point emits a delta, the timestamp of its reference
 * point (absent: nothing emitted). A reset is a decrease of the count or of any bucket's own
 * count (the difference of adjacent cumulative `le` buckets, as the collector holds them).
 */
function histogramReferences(peers: HistogramPeers, inputs: ReadonlyArray<Samples>, cache: EvaluationCache): Map<number, number> {
  const series = (node: ValueNode) => new Map(collapse(evaluate(node, inputs, cache)));
  const count = peers.count ? series(peers.count) : undefined;
  const buckets = peers.buckets.map((b) => series(b.node));
  const times = [...(count ?? buckets[0]!).keys()].sort((a, b) => a - b);
  const own = (t: number): number[] => {
    const cumulative = buckets.map((b) => b.get(t) ?? 0);
    return cumulative.map((c, i) => (i === 0 ? c : c - cumulative[i - 1]!));
  };
  const references = new Map<number, number>();
  let reference: number | undefined;
  const started = cache.firstSeen !== undefined;
  for (const t of times) {
    if (reference === undefined) {
      if (started && t > cache.firstSeen!) references.set(t, FROM_ZERO);
      reference = t;
      continue;
    }
    const before = own(reference);
    const now = own(t);
    const reset = (count !== undefined && (count.get(t) ?? 0) < (count.get(reference) ?? 0)) || now.some((v, i) => v < before[i]!);
    if (reset && started) {
      // a new start time: a new stream, counted whole
      references.set(t, FROM_ZERO);
      reference = t;
      continue;
    }
    if (reset) continue;
    references.set(t, reference);
    reference = t;
  }
  return references;
}

/** Per timestamp (and, for delta points, per start), the aggregation of the children's points there. */
function aggregateAt(children: ReadonlyArray<readonly Point[]>, fn: AggregationFunction): Point[] {
  const groups = new Map<string, { t: number; start?: number; values: number[] }>();
  for (const child of children) {
    for (const [t, v, start] of child) {
      const key = `${t}\u0000${start ?? ''}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { t, ...(start === undefined ? {} : { start }), values: [] }));
      group.values.push(v);
    }
  }
  return [...groups.values()]
    .sort((a, b) => a.t - b.t || (a.start ?? 0) - (b.start ?? 0))
    .map((g): Point => (g.start === undefined ? [g.t, combine(g.values, fn)] : [g.t, combine(g.values, fn), g.start]));
}

/** One aggregation function over the values present at one timestamp. */
export function combine(values: readonly number[], fn: AggregationFunction): number {
  switch (fn) {
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'max':
      return values.reduce((a, b) => (b > a || Number.isNaN(a) ? b : a));
    case 'min':
      return values.reduce((a, b) => (b < a || Number.isNaN(a) ? b : a));
    case 'mean':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'count':
      return values.length;
    case 'median': {
      const sorted = [...values].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    }
  }
}
