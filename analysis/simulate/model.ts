import type { Labels, MetricType } from '../series/model';

/** Aggregation functions of `aggregate_on_attributes` and metricstransform `aggregation_type`. */
export type AggregationFunction = 'sum' | 'max' | 'min' | 'mean' | 'median' | 'count';

/**
 * How an output series' values derive from the input series, for value-level simulation:
 * an input series, an aggregation per timestamp, a cumulative→delta or delta→cumulative
 * conversion, a start time set to one value (`set(start_time_unix_nano, n)`: every delta then
 * starts there, so delta points of one timestamp merge whatever their stream's history), or a
 * collision (two series written under one identity: last write wins).
 */
export type ValueNode =
  | { readonly kind: 'input'; readonly index: number }
  | { readonly kind: 'aggregate'; readonly fn: AggregationFunction; readonly children: readonly ValueNode[] }
  | { readonly kind: 'delta'; readonly child: ValueNode; readonly histogram?: HistogramPeers }
  | { readonly kind: 'cumulative'; readonly child: ValueNode }
  | { readonly kind: 'start'; readonly at: number; readonly child: ValueNode }
  | { readonly kind: 'collide'; readonly children: readonly ValueNode[] };

/**
 * The series of one histogram data point (its `le` buckets and `_count`), as `cumulativetodelta`
 * sees them: one point whose reset is decided over all of them. Shared by the delta nodes of
 * every series of that point (`_sum` included).
 */
export interface HistogramPeers {
  readonly count?: ValueNode;
  readonly buckets: ReadonlyArray<{ readonly le: number; readonly node: ValueNode }>;
}

/**
 * One data point stream while it flows through the simulated pipeline: its Prometheus name,
 * its data-point attributes (as Prometheus label names, `le`/`quantile` included), its OTel
 * resource and the resource entry (`group`) it travels in.
 */
export interface Point {
  name: string;
  type: MetricType;
  attrs: Record<string, string>;
  resource: Record<string, string>;
  /** Identity of the `ResourceMetrics` entry: points merge only within one. */
  group: string;
  /** Temporality: true once a `cumulativetodelta` converted it. */
  delta: boolean;
  /** How many input series feed it. */
  inputs: number;
  /** Provenance for value simulation; absent when not tracked. */
  node?: ValueNode;
}

/** A statement, condition or setting the simulation does not model (the data passes unchanged). */
export interface SimulationNote {
  /** The processor id, e.g. `transform/keep`. */
  readonly processor: string;
  readonly message: string;
}

/** An output series several input series collapse into without aggregation (data corruption). */
export interface Collision {
  readonly series: string;
  /** How many points were written under that identity. */
  readonly writers: number;
  /** Processor ids whose changes caused it (best effort: those that removed attributes). */
  readonly cause: string;
}

/** A series of the simulated output. */
export interface OutputSeries {
  readonly name: string;
  readonly labels: Labels;
  readonly type: MetricType;
  /** Number of input series merged into it. */
  readonly inputs: number;
  /** Present when value tracking was on. */
  readonly node?: ValueNode;
}

/** What one processor did, for reports. */
export interface ProcessorStep {
  readonly processor: string;
  readonly pointsIn: number;
  readonly pointsOut: number;
}

/** The simulated output of a pipeline over a series set. */
export interface SimulationResult {
  readonly output: readonly OutputSeries[];
  readonly inputCount: number;
  readonly steps: readonly ProcessorStep[];
  readonly notes: readonly SimulationNote[];
  readonly collisions: readonly Collision[];
  /** Points dropped at the exporter and why (e.g. delta sums at `prometheusremotewrite`). */
  readonly droppedAtExport: number;
  /** Which processor merged which metric's series, with which function. */
  readonly aggregations: readonly AggregationRecord[];
}

/** One metric merged by one processor. */
export interface AggregationRecord {
  /** Prometheus metric name (series name). */
  readonly metric: string;
  readonly fn: AggregationFunction;
  readonly processor: string;
  /** True when the merged points were delta (between cumulativetodelta and deltatocumulative): a reset costs only what ADR 0124 states. */
  readonly delta: boolean;
}
