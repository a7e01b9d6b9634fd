/** Typed results of the Prometheus HTTP API (`/api/v1/...`), values already parsed to numbers. */

/** A label set, `__name__` included where the API returns it. */
export type Labels = Record<string, string>;

/** `[unix seconds, value]`; `NaN`, `+Inf` and `-Inf` are parsed to their number values. */
export type SamplePair = readonly [number, number];

/** One element of an instant vector. */
export interface InstantSample {
  readonly metric: Labels;
  readonly value: SamplePair;
}

/** One series of a range vector (matrix). */
export interface RangeSeries {
  readonly metric: Labels;
  readonly values: readonly SamplePair[];
}

/** The result of an instant query, by `resultType`; `warnings` as the API returned them. */
export type QueryResult =
  | { readonly resultType: 'vector'; readonly result: readonly InstantSample[]; readonly warnings: readonly string[] }
  | { readonly resultType: 'matrix'; readonly result: readonly RangeSeries[]; readonly warnings: readonly string[] }
  | { readonly resultType: 'scalar'; readonly result: SamplePair; readonly warnings: readonly string[] }
  | { readonly resultType: 'string'; readonly result: readonly [number, string]; readonly warnings: readonly string[] };

/** The result of a range query. */
export interface RangeQueryResult {
  readonly result: readonly RangeSeries[];
  readonly warnings: readonly string[];
}

/** One metric's metadata from `/api/v1/metadata`. */
export interface MetricMetadata {
  /** `counter`, `gauge`, `histogram`, `gaugehistogram`, `summary`, `info`, `stateset` or `unknown`. */
  readonly type: string;
  readonly help: string;
  readonly unit: string;
}

/** A `{ name, value }` entry of the TSDB status top-10 lists. */
export interface NameCount {
  readonly name: string;
  readonly value: number;
}

/** `/api/v1/status/tsdb`: head block statistics and cardinality top lists. */
export interface TsdbStatus {
  readonly headStats: {
    readonly numSeries: number;
    readonly numLabelPairs: number;
    readonly chunkCount: number;
    readonly minTime: number;
    readonly maxTime: number;
  };
  readonly seriesCountByMetricName: readonly NameCount[];
  readonly labelValueCountByLabelName: readonly NameCount[];
  readonly memoryInBytesByLabelName: readonly NameCount[];
  readonly seriesCountByLabelValuePair: readonly NameCount[];
}

/** A point in time: a `Date` or unix seconds (fractions allowed). */
export type TimeInput = Date | number;
