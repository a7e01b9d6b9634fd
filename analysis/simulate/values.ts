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

/**
 * Value-level simulation: the samples of each output series, computed from the input series'
 * samples (by input index) through the provenance the structural simulation recorded
 * (`trackValues: true`). Aggregation is per timestamp over the inputs that have a sample at
 * it (inputs are assumed scraped at the same instants); `cumulativetodelta` is modelled as the
 * pinned collector runs it on points without a start time (see {@link evaluateNode});
 * `deltatocumulative` is a running sum from the first delta; a collision keeps the last
 * writer's value at each timestamp.
 */
export function simulateValues(output: readonly OutputSeries[], inputSamples: ReadonlyArray<Samples>): SeriesWithSamples[] {
  const cache: EvaluationCache = new Map();
  return output.map((series) => {
    if (!series.node) throw new Error(`output series ${series.name} has no value provenance: simulate with trackValues: true`);
    return { name: series.name, labels: series.labels, samples: evaluateNode(series.node, inputSamples, cache) };
  });
}

/** Histogram reset decisions, computed once per histogram point for all of its series. */
export type EvaluationCache = Map<HistogramPeers, ReadonlyMap<number, number>>;

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
 *   last one (the state lives for `max_staleness`, default 1 h, which is not modelled).
 */
export function evaluateNode(node: ValueNode, inputs: ReadonlyArray<Samples>, cache: EvaluationCache = new Map()): Array<[number, number]> {
  switch (node.kind) {
    case 'input': {
      const samples = inputs[node.index];
      if (!samples) throw new Error(`no samples for input series #${node.index}`);
      return samples.map(([t, v]) => [t, v]);
    }
    case 'aggregate':
      return aggregateAt(node.children.map((c) => evaluateNode(c, inputs, cache)), node.fn);
    case 'delta': {
      const child = evaluateNode(node.child, inputs, cache);
      if (node.histogram && (node.histogram.count || node.histogram.buckets.length > 0)) {
        let references = cache.get(node.histogram);
        if (!references) cache.set(node.histogram, (references = histogramReferences(node.histogram, inputs, cache)));
        const byTime = new Map(child);
        const out: Array<[number, number]> = [];
        for (const [t, v] of child) {
          const reference = references.get(t);
          const previous = reference === undefined ? undefined : byTime.get(reference);
          if (previous !== undefined) out.push([t, v - previous]);
        }
        return out;
      }
      const out: Array<[number, number]> = [];
      let previous: number | undefined;
      for (const [t, current] of child) {
        if (previous !== undefined && current >= previous) out.push([t, current - previous]);
        previous = current;
      }
      return out;
    }
    case 'cumulative': {
      let total = 0;
      return evaluateNode(node.child, inputs, cache).map(([t, v]): [number, number] => [t, (total += v)]);
    }
    case 'collide': {
      const byTime = new Map<number, number>();
      for (const child of node.children) for (const [t, v] of evaluateNode(child, inputs, cache)) byTime.set(t, v);
      return [...byTime.entries()].sort((a, b) => a[0] - b[0]);
    }
  }
}

/**
 * For each timestamp at which a histogram point emits a delta, the timestamp of its reference
 * point (absent: nothing emitted). A reset is a decrease of the count or of any bucket's own
 * count (the difference of adjacent cumulative `le` buckets, as the collector holds them).
 */
function histogramReferences(peers: HistogramPeers, inputs: ReadonlyArray<Samples>, cache: EvaluationCache): Map<number, number> {
  const count = peers.count ? new Map(evaluateNode(peers.count, inputs, cache)) : undefined;
  const buckets = peers.buckets.map((b) => new Map(evaluateNode(b.node, inputs, cache)));
  const times = [...(count ?? buckets[0]!).keys()].sort((a, b) => a - b);
  const own = (t: number): number[] => {
    const cumulative = buckets.map((b) => b.get(t) ?? 0);
    return cumulative.map((c, i) => (i === 0 ? c : c - cumulative[i - 1]!));
  };
  const references = new Map<number, number>();
  let reference: number | undefined;
  for (const t of times) {
    if (reference === undefined) {
      reference = t;
      continue;
    }
    const before = own(reference);
    const now = own(t);
    const reset = (count !== undefined && (count.get(t) ?? 0) < (count.get(reference) ?? 0)) || now.some((v, i) => v < before[i]!);
    if (reset) continue;
    references.set(t, reference);
    reference = t;
  }
  return references;
}

function aggregateAt(children: ReadonlyArray<ReadonlyArray<[number, number]>>, fn: AggregationFunction): Array<[number, number]> {
  const byTime = new Map<number, number[]>();
  for (const child of children) {
    for (const [t, v] of child) {
      let list = byTime.get(t);
      if (!list) byTime.set(t, (list = []));
      list.push(v);
    }
  }
  return [...byTime.entries()].sort((a, b) => a[0] - b[0]).map(([t, values]) => [t, combine(values, fn)]);
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
