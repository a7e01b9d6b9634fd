/**
 * What a component does to the metrics that flow through it, as far as Phoenix can tell
 * from its config. The experiment constructs, the pipeline rules and the policies reason
 * about pipelines through these facts instead of re-reading component configs.
 */
export interface ComponentEffects {
  /** True when the component merges series (e.g. `aggregate_on_attributes`, `aggregate_labels`). */
  readonly aggregates: boolean;
  /**
   * OpenTelemetry metric names the component acts on; `undefined` means every metric that
   * reaches it (or, for imported components, that Phoenix cannot tell).
   */
  readonly metrics?: readonly string[];
  /** Metrics the component drops (filter processor). @default - none */
  readonly droppedMetrics?: MetricDrop;
  /** Data-point attributes kept when aggregating; every other attribute is removed. @default - none */
  readonly keptAttributes?: readonly string[];
  /** Resource attributes kept; every other resource attribute is removed. @default - none */
  readonly keptResourceAttributes?: readonly string[];
  /** Attributes removed without aggregating, each with the kept attribute that implies it. @default - none */
  readonly deletedAttributes?: readonly AttributeDeletion[];
  /** Aggregation functions per metric type, when `aggregates` is true. @default - none */
  readonly aggregation?: AggregationEffect;
  /**
   * Set by `groupbyattrs`: the data-point attributes promoted to the resource; an empty list
   * is the compaction form that merges resources with identical attributes. @default - not a regroup
   */
  readonly regroupsBy?: readonly string[];
  /** Temporality conversion performed. @default - none */
  readonly temporality?: 'cumulative-to-delta' | 'delta-to-cumulative';
  /**
   * True when the component keeps per-series state across batches (delta conversion,
   * aggregation): every point of a series must reach the same replica.
   */
  readonly stateful: boolean;
  /** True when the component was imported verbatim and Phoenix does not know its effects. */
  readonly opaque: boolean;
}

/** Metrics a filter drops. */
export interface MetricDrop {
  /** Exact OpenTelemetry metric names dropped. */
  readonly names: readonly string[];
  /** RE2 regular expressions; metrics whose name matches are dropped. */
  readonly regexes: readonly string[];
  /** When set, every metric whose name is not listed is dropped too. */
  readonly keepOnly?: readonly string[];
}

/** An attribute removed without aggregation (`delete_key`). */
export interface AttributeDeletion {
  readonly attribute: string;
  /** The kept attribute whose value determines the deleted one. */
  readonly impliedBy: string;
  /** Whether the attribute lives on the data point or on the resource. */
  readonly level: AttributeLevel;
}

/** Where an attribute lives in OTLP: on each data point, or on the resource (the target/pod). */
export type AttributeLevel = 'datapoint' | 'resource';

/** Aggregation functions supported by OTTL `aggregate_on_attributes`. */
export type AggregationFunction = 'sum' | 'max' | 'min' | 'mean' | 'median' | 'count';

/** The functions an aggregating component applies, per metric type. */
export interface AggregationEffect {
  /** Function for sums (counters, up-down counters). */
  readonly sums: AggregationFunction;
  /** Function for histograms and exponential histograms: always `sum` (buckets add up). */
  readonly histograms: 'sum';
  /** Function for gauges; `undefined` means gauges are left untouched. */
  readonly gauges?: AggregationFunction;
  /** True when the metric list may contain counters or histograms (or is untyped). */
  readonly mayTouchCounters: boolean;
  /** The metrics that may be counters or histograms (not declared gauges); `undefined` = every metric. */
  readonly counterMetrics?: readonly string[];
}

/** Effects of a component that only passes data through (receivers, exporters, batch…). */
export const PASS_THROUGH: ComponentEffects = Object.freeze({ aggregates: false, stateful: false, opaque: false });
