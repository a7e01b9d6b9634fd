import type { Labels } from '../series/model';
import type { AggregationFunction, OutputSeries, ValueNode } from './model';

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
 * it (inputs are assumed scraped at the same instants); `cumulativetodelta` drops each
 * stream's first point and reads a drop as a reset (delta = the new value);
 * `deltatocumulative` is a running sum from the first delta; a collision keeps the last
 * writer's value at each timestamp.
 */
export function simulateValues(output: readonly OutputSeries[], inputSamples: ReadonlyArray<Samples>): SeriesWithSamples[] {
  return output.map((series) => {
    if (!series.node) throw new Error(`output series ${series.name} has no value provenance: simulate with trackValues: true`);
    return { name: series.name, labels: series.labels, samples: evaluateNode(series.node, inputSamples) };
  });
}

/** The samples a provenance node produces. */
export function evaluateNode(node: ValueNode, inputs: ReadonlyArray<Samples>): Array<[number, number]> {
  switch (node.kind) {
    case 'input': {
      const samples = inputs[node.index];
      if (!samples) throw new Error(`no samples for input series #${node.index}`);
      return samples.map(([t, v]) => [t, v]);
    }
    case 'aggregate':
      return aggregateAt(node.children.map((c) => evaluateNode(c, inputs)), node.fn);
    case 'delta': {
      const child = evaluateNode(node.child, inputs);
      const out: Array<[number, number]> = [];
      for (let i = 1; i < child.length; i++) {
        const previous = child[i - 1]![1];
        const current = child[i]![1];
        out.push([child[i]![0], current >= previous ? current - previous : current]);
      }
      return out;
    }
    case 'cumulative': {
      let total = 0;
      return evaluateNode(node.child, inputs).map(([t, v]): [number, number] => [t, (total += v)]);
    }
    case 'collide': {
      const byTime = new Map<number, number>();
      for (const child of node.children) for (const [t, v] of evaluateNode(child, inputs)) byTime.set(t, v);
      return [...byTime.entries()].sort((a, b) => a[0] - b[0]);
    }
  }
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
