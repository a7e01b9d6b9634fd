/**
 * The series model every analysis reads: one active series is a Prometheus metric name, its
 * labels, the metric family's type, and (when known) the OpenTelemetry resource it came from.
 * Series are plain data: snapshots from a Prometheus API or an exposition file produce them,
 * the simulation turns one set into another, the cost model counts them.
 */

/** Prometheus / OpenMetrics metric family types. */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown';

/** A label set, without `__name__`. */
export type Labels = Readonly<Record<string, string>>;

/** One active series. */
export interface Series {
  /** The Prometheus metric name (`__name__`), e.g. `http_server_request_duration_seconds_bucket`. */
  readonly name: string;
  /** Labels other than `__name__`. */
  readonly labels: Labels;
  /** Type of the series' metric family. @default - unknown */
  readonly type?: MetricType;
  /**
   * OpenTelemetry resource attributes of the series, when the source knows them. When absent,
   * the resource is read from `job` (`service.name`) and `instance` (`service.instance.id`),
   * as the collector's Prometheus receiver builds it.
   * @default - derived from job/instance
   */
  readonly resource?: Labels;
}

/** A metric family's metadata, keyed by family name in a snapshot. */
export interface FamilyMetadata {
  readonly type: MetricType;
  /** @default - none */
  readonly help?: string;
  /** @default - none */
  readonly unit?: string;
}

/** A set of active series at one moment, with where it came from. */
export interface SeriesSnapshot {
  /** A URL or file name, shown in reports. */
  readonly source: string;
  /** When it was taken (ISO 8601). @default - unknown */
  readonly takenAt?: string;
  readonly series: readonly Series[];
  /** Family metadata by family name. */
  readonly families: ReadonlyMap<string, FamilyMetadata>;
}

const SUFFIXES_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['_sum', '_count', '_created'],
  info: ['_info'],
};

const ALL_SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created', '_info', '_gsum', '_gcount'];

/**
 * The family a series name belongs to, given the families known: the name itself when it is
 * a family, else the name without the suffix its family's type allows (`foo_bucket` → `foo`
 * for a histogram `foo`). Returns the name unchanged when no family claims it.
 */
export function familyNameOf(name: string, families: ReadonlyMap<string, FamilyMetadata>): string {
  if (families.has(name)) return name;
  for (const suffix of ALL_SUFFIXES) {
    if (!name.endsWith(suffix)) continue;
    const base = name.slice(0, -suffix.length);
    const family = families.get(base);
    if (family && (SUFFIXES_BY_TYPE[family.type] ?? []).includes(suffix)) return base;
  }
  return name;
}

/** A stable identity of a series: `name{a="1",b="2"}` with labels sorted, values escaped. */
export function seriesKey(name: string, labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return name;
  keys.sort();
  let out = `${name}{`;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0) out += ',';
    out += `${key}="${escapeLabelValue(labels[key]!)}"`;
  }
  return `${out}}`;
}

/** Escapes a label value as the text exposition format does (`\\`, `\"`, `\n`). */
export function escapeLabelValue(value: string): string {
  if (!/[\\"\n]/.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Distinct metric names of a series set, in first-seen order. */
export function metricNames(series: Iterable<Series>): string[] {
  const names = new Set<string>();
  for (const s of series) names.add(s.name);
  return [...names];
}

/**
 * Interns strings so a large snapshot holds each distinct label name and value once; label
 * values repeat heavily (a few hundred routes, thousands of pods), series do not.
 */
export class StringInterner {
  private readonly strings = new Map<string, string>();

  /** The canonical copy of `value`. */
  intern(value: string): string {
    const found = this.strings.get(value);
    if (found !== undefined) return found;
    this.strings.set(value, value);
    return value;
  }

  /** Number of distinct strings held. */
  get size(): number {
    return this.strings.size;
  }
}
