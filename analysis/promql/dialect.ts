import type { AggregateOp, ValueType } from './ast';

/**
 * The PromQL dialect Phoenix checks queries against: Prometheus 2.42 (what Debian ships and the
 * tests run). The lezer grammar follows the newest Prometheus; anything it accepts that 2.42
 * does not is reported as newer-only syntax instead of being misread.
 */
export const PROMQL_DIALECT = 'Prometheus 2.42';

/** A function's signature: argument types, how many may be omitted (trailing), variadic tail. */
export interface FunctionSignature {
  readonly args: readonly ValueType[];
  /** How many trailing arguments may be left out. @default 0 */
  readonly optional?: number;
  /** The last argument type may repeat (label_join). @default false */
  readonly variadic?: boolean;
  readonly returns: ValueType;
}

const v = 'vector' as const;
const m = 'matrix' as const;
const s = 'scalar' as const;
const str = 'string' as const;

const elementwise = (): FunctionSignature => ({ args: [v], returns: v });
const overTime = (): FunctionSignature => ({ args: [m], returns: v });
const clock = (): FunctionSignature => ({ args: [v], optional: 1, returns: v });

/** Functions of Prometheus 2.42 (promql/parser/functions.go of v2.42.0). */
export const FUNCTIONS_2_42: Readonly<Record<string, FunctionSignature>> = {
  abs: elementwise(),
  absent: elementwise(),
  absent_over_time: overTime(),
  acos: elementwise(),
  acosh: elementwise(),
  asin: elementwise(),
  asinh: elementwise(),
  atan: elementwise(),
  atanh: elementwise(),
  avg_over_time: overTime(),
  ceil: elementwise(),
  changes: overTime(),
  clamp: { args: [v, s, s], returns: v },
  clamp_max: { args: [v, s], returns: v },
  clamp_min: { args: [v, s], returns: v },
  cos: elementwise(),
  cosh: elementwise(),
  count_over_time: overTime(),
  days_in_month: clock(),
  day_of_month: clock(),
  day_of_week: clock(),
  day_of_year: clock(),
  deg: elementwise(),
  delta: overTime(),
  deriv: overTime(),
  exp: elementwise(),
  floor: elementwise(),
  histogram_count: elementwise(),
  histogram_sum: elementwise(),
  histogram_fraction: { args: [s, s, v], returns: v },
  histogram_quantile: { args: [s, v], returns: v },
  holt_winters: { args: [m, s, s], returns: v },
  hour: clock(),
  idelta: overTime(),
  increase: overTime(),
  irate: overTime(),
  label_replace: { args: [v, str, str, str, str], returns: v },
  label_join: { args: [v, str, str, str], optional: 1, variadic: true, returns: v },
  last_over_time: overTime(),
  ln: elementwise(),
  log10: elementwise(),
  log2: elementwise(),
  max_over_time: overTime(),
  min_over_time: overTime(),
  minute: clock(),
  month: clock(),
  pi: { args: [], returns: s },
  predict_linear: { args: [m, s], returns: v },
  present_over_time: overTime(),
  quantile_over_time: { args: [s, m], returns: v },
  rad: elementwise(),
  rate: overTime(),
  resets: overTime(),
  round: { args: [v, s], optional: 1, returns: v },
  scalar: { args: [v], returns: s },
  sgn: elementwise(),
  sin: elementwise(),
  sinh: elementwise(),
  sort: elementwise(),
  sort_desc: elementwise(),
  sqrt: elementwise(),
  stddev_over_time: overTime(),
  stdvar_over_time: overTime(),
  sum_over_time: overTime(),
  tan: elementwise(),
  tanh: elementwise(),
  time: { args: [], returns: s },
  timestamp: elementwise(),
  vector: { args: [s], returns: v },
  year: clock(),
};

/** Aggregation operators of Prometheus 2.42, with the type of their parameter if they take one. */
export const AGGREGATIONS_2_42: Readonly<Record<AggregateOp, ValueType | undefined>> = {
  sum: undefined,
  avg: undefined,
  count: undefined,
  min: undefined,
  max: undefined,
  group: undefined,
  stddev: undefined,
  stdvar: undefined,
  topk: s,
  bottomk: s,
  quantile: s,
  count_values: str,
};

/** Functions that take a range vector and work per series over time. */
export const RANGE_FUNCTIONS: ReadonlySet<string> = new Set(
  Object.entries(FUNCTIONS_2_42)
    .filter(([, sig]) => sig.args.includes(m))
    .map(([name]) => name),
);

/** Names the parser knows but 2.42 does not: the Prometheus release that added them, for the message. */
export const NEWER_FUNCTIONS: Readonly<Record<string, string>> = {
  histogram_stddev: '2.47',
  histogram_stdvar: '2.47',
  histogram_avg: '2.53',
  histogram_quantiles: '3.x',
  sort_by_label: '2.49 (experimental)',
  sort_by_label_desc: '2.49 (experimental)',
  double_exponential_smoothing: '3.0 (experimental)',
  mad_over_time: '3.x (experimental)',
  first_over_time: '3.x (experimental)',
  ts_of_first_over_time: '3.x (experimental)',
  ts_of_last_over_time: '3.x (experimental)',
  ts_of_max_over_time: '3.x (experimental)',
  ts_of_min_over_time: '3.x (experimental)',
  info: '3.0 (experimental)',
  limitk: '2.54 (experimental)',
  limit_ratio: '2.54 (experimental)',
  start_timestamp: '3.x (experimental)',
  range: '3.x (experimental)',
  step: '3.x (experimental)',
  start: '3.x (experimental)',
  end: '3.x (experimental)',
};

/** Parses a Prometheus duration (`5m`, `1h30m`, `500ms`) to seconds; undefined if it is not one. */
export function durationSeconds(text: string): number | undefined {
  const match = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text);
  if (!match || text === '') return undefined;
  const units = [365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001];
  return units.reduce((total, unit, i) => total + (match[i + 1] ? Number(match[i + 1]) * unit : 0), 0);
}
