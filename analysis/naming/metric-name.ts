import { alphanumericTokens, KNOWN_UNIT_WORDS, mainUnitWord, perUnitWord } from './units';

/** The OpenTelemetry metric data types (pmetric.MetricType). */
export type OtelMetricType = 'gauge' | 'sum' | 'histogram' | 'exponential_histogram' | 'summary';

/** An OpenTelemetry metric as the collector sees it: name, data type, unit, monotonicity. */
export interface OtelMetric {
  /** e.g. `http.server.request.duration`. */
  readonly name: string;
  readonly type: OtelMetricType;
  /** UCUM unit, e.g. `s`, `By`, `By/s`, `{request}`, `1`. @default - no unit */
  readonly unit?: string;
  /** Whether a `sum` is monotonic (a counter). Ignored for other types. @default true */
  readonly monotonic?: boolean;
}

/** How the exporter names metrics (`prometheusremotewrite` / `prometheus` exporter settings). */
export interface PrometheusNamingOptions {
  /** The exporter's `add_metric_suffixes`: unit, `_total` and `_ratio` suffixes. @default true */
  readonly addMetricSuffixes?: boolean;
  /** The exporter's `namespace`, prefixed with `_`. @default - none */
  readonly namespace?: string;
}

/** What one Prometheus series family of an OTel metric carries. */
export type PrometheusSeriesRole = 'value' | 'bucket' | 'sum' | 'count' | 'quantile' | 'native-histogram';

/** One Prometheus metric name produced from an OTel metric. */
export interface PrometheusSeriesName {
  readonly name: string;
  readonly role: PrometheusSeriesRole;
  /** Labels the translation adds to this family: `le` on buckets, `quantile` on summaries. */
  readonly addedLabels: readonly string[];
}

/**
 * The Prometheus metric (family) name of an OTel metric, as the collector's translation builds
 * it: alphanumeric tokens joined by `_`, the unit word (`_seconds`, `_bytes`, `_bytes_per_second`)
 * unless the name already has it, `_total` for monotonic sums, `_ratio` for gauges of unit `1`,
 * a leading `_` when the name starts with a digit. Histogram/summary suffixes are NOT included:
 * see {@link prometheusSeriesNames}.
 */
export function prometheusMetricName(metric: OtelMetric, options: PrometheusNamingOptions = {}): string {
  const namespace = options.namespace ?? '';
  if (options.addMetricSuffixes === false) {
    const plain = metric.name
      .split(/[^\p{L}\p{N}_:]+/u)
      .filter((t) => t !== '')
      .join('_');
    if (namespace !== '') return `${namespace}_${plain}`;
    return /^\p{N}/u.test(plain) ? `_${plain}` : plain;
  }
  let tokens = alphanumericTokens(metric.name);
  const unit = metric.unit ?? '';
  const main = mainUnitWord(unit);
  if (main !== '' && !tokens.includes(main)) tokens.push(main);
  const per = perUnitWord(unit);
  if (per !== '' && !tokens.includes(per)) tokens.push('per', per);
  if (isCounter(metric)) tokens = [...tokens.filter((t) => t !== 'total'), 'total'];
  if (unit === '1' && metric.type === 'gauge') tokens = [...tokens.filter((t) => t !== 'ratio'), 'ratio'];
  if (namespace !== '') tokens.unshift(namespace);
  const name = tokens.join('_');
  return /^\p{N}/u.test(name) ? `_${name}` : name;
}

/**
 * Every Prometheus metric name an OTel metric is written as: one for gauges and sums,
 * `_bucket` (with `le`), `_sum`, `_count` for histograms, the base name (with `quantile`),
 * `_sum`, `_count` for summaries. Exponential histograms are written by `prometheusremotewrite`
 * as native histograms under the base name (Prometheus 2.42 stores them only with
 * `--enable-feature=native-histograms`); the `prometheus` exporter does not export them.
 */
export function prometheusSeriesNames(metric: OtelMetric, options: PrometheusNamingOptions = {}): PrometheusSeriesName[] {
  const base = prometheusMetricName(metric, options);
  switch (metric.type) {
    case 'histogram':
      return [
        { name: `${base}_bucket`, role: 'bucket', addedLabels: ['le'] },
        { name: `${base}_sum`, role: 'sum', addedLabels: [] },
        { name: `${base}_count`, role: 'count', addedLabels: [] },
      ];
    case 'summary':
      return [
        { name: base, role: 'quantile', addedLabels: ['quantile'] },
        { name: `${base}_sum`, role: 'sum', addedLabels: [] },
        { name: `${base}_count`, role: 'count', addedLabels: [] },
      ];
    case 'exponential_histogram':
      return [{ name: base, role: 'native-histogram', addedLabels: [] }];
    default:
      return [{ name: base, role: 'value', addedLabels: [] }];
  }
}

/** A reading of a Prometheus metric name back into the OTel metric it may come from. */
export interface OtelCandidate {
  /** The Prometheus family name without the histogram/summary suffix. */
  readonly familyName: string;
  readonly type: OtelMetricType;
  /** For `sum`: monotonic (counter) or not. */
  readonly monotonic?: boolean;
  readonly role: PrometheusSeriesRole;
  /** Unit words found at the end of the name (`seconds`, `bytes_per_second`), or `` if none. */
  readonly unitWords: string;
  /** Name tokens without type and unit suffixes: what the OTel name splits into. */
  readonly stemTokens: readonly string[];
}

const ROLE_SUFFIXES: ReadonlyArray<{ suffix: string; type: OtelMetricType; role: PrometheusSeriesRole }> = [
  { suffix: '_bucket', type: 'histogram', role: 'bucket' },
  { suffix: '_sum', type: 'histogram', role: 'sum' },
  { suffix: '_count', type: 'histogram', role: 'count' },
  { suffix: '_sum', type: 'summary', role: 'sum' },
  { suffix: '_count', type: 'summary', role: 'count' },
];

/**
 * The OTel metrics a Prometheus metric name can come from, most likely first. The mapping is
 * not one-to-one (dots and underscores both become `_`; a gauge may end in `_bucket`), so every
 * reading is returned; {@link otelMetricMatchesPrometheusName} decides for a known OTel name.
 */
export function otelCandidatesFor(prometheusName: string): OtelCandidate[] {
  const out: OtelCandidate[] = [];
  for (const s of ROLE_SUFFIXES) {
    if (prometheusName.endsWith(s.suffix) && prometheusName.length > s.suffix.length) {
      const family = prometheusName.slice(0, -s.suffix.length);
      out.push(reading(family, s.type, s.role, undefined));
    }
  }
  if (prometheusName.endsWith('_total')) out.push(reading(prometheusName, 'sum', 'value', true));
  if (prometheusName.endsWith('_ratio')) out.push(reading(prometheusName, 'gauge', 'value', undefined));
  out.push(reading(prometheusName, 'gauge', 'value', undefined));
  out.push(reading(prometheusName, 'sum', 'value', false));
  out.push(reading(prometheusName, 'summary', 'quantile', undefined));
  out.push(reading(prometheusName, 'exponential_histogram', 'native-histogram', undefined));
  return out;
}

function reading(family: string, type: OtelMetricType, role: PrometheusSeriesRole, monotonic: boolean | undefined): OtelCandidate {
  let tokens = family
    .replace(/^_(?=\p{N})/u, '')
    .split('_')
    .filter((t) => t !== '');
  if (monotonic === true && tokens[tokens.length - 1] === 'total') tokens = tokens.slice(0, -1);
  if (type === 'gauge' && tokens[tokens.length - 1] === 'ratio') tokens = tokens.slice(0, -1);
  const unit: string[] = [];
  while (tokens.length > 1 && KNOWN_UNIT_WORDS.has(tokens[tokens.length - 1]!)) {
    unit.unshift(tokens.pop()!);
  }
  return { familyName: family, type, role, unitWords: unit.join('_'), stemTokens: tokens, ...(monotonic === undefined ? {} : { monotonic }) };
}

/**
 * Whether the OTel metric called `otelName` is (one of the series) written as `prometheusName`.
 * With `type` (and `unit`) known the answer is exact; without them, the name matches when its
 * tokens equal the Prometheus name's tokens with type and unit suffixes removed (or kept,
 * for names that already carry their unit).
 */
export function otelMetricMatchesPrometheusName(
  otelName: string,
  prometheusName: string,
  known: { readonly type?: OtelMetricType; readonly unit?: string; readonly monotonic?: boolean } = {},
  options: PrometheusNamingOptions = {},
): boolean {
  if (known.type !== undefined) {
    const metric: OtelMetric = { name: otelName, type: known.type, unit: known.unit, monotonic: known.monotonic };
    return prometheusSeriesNames(metric, options).some((s) => s.name === prometheusName);
  }
  const wanted = alphanumericTokens(otelName)
    .join('_')
    .replace(/_total$/, '');
  const prefix = options.namespace ? `${options.namespace}_` : '';
  if (prefix !== '' && !prometheusName.startsWith(prefix)) return false;
  const name = prometheusName.slice(prefix.length);
  if (
    name
      .split('_')
      .filter((t) => t !== '')
      .join('_') === wanted
  )
    return true;
  return otelCandidatesFor(name).some((c) => {
    const stem = c.stemTokens.join('_');
    const withUnit = c.unitWords === '' ? stem : `${stem}_${c.unitWords}`;
    return (
      stem === wanted ||
      withUnit === wanted ||
      c.familyName
        .split('_')
        .filter((t) => t !== '')
        .join('_') === wanted
    );
  });
}

/**
 * OTel names a Prometheus metric name may have been translated from, for testing against a
 * processor's name patterns when the OTel name is unknown: the stem tokens joined by `.` and by
 * `_` in every combination (capped at 2^10 per stem), with and without the unit words.
 */
export function otelNameCandidates(prometheusName: string): string[] {
  const seen = new Set<string>();
  for (const c of otelCandidatesFor(prometheusName)) {
    const stems = [c.stemTokens, c.unitWords === '' ? c.stemTokens : [...c.stemTokens, ...c.unitWords.split('_')]];
    for (const tokens of stems) for (const name of joinings(tokens)) seen.add(name);
  }
  return [...seen];
}

function joinings(tokens: readonly string[]): string[] {
  if (tokens.length === 0) return [];
  const gaps = Math.min(tokens.length - 1, 10);
  const out: string[] = [];
  for (let mask = 0; mask < 1 << gaps; mask++) {
    let name = tokens[0]!;
    for (let i = 1; i < tokens.length; i++) {
      const dot = i - 1 < gaps ? (mask >> (i - 1)) & 1 : 1;
      name += (dot ? '.' : '_') + tokens[i];
    }
    out.push(name);
  }
  return out;
}

function isCounter(metric: OtelMetric): boolean {
  return metric.type === 'sum' && metric.monotonic !== false;
}

/**
 * The readings of `prometheusName` that the OTel metric `otelName` can produce: its name tokens
 * equal the reading's stem (or stem plus unit words, for names that already carry their unit).
 * Empty when the OTel metric cannot be written as that Prometheus name.
 */
export function readingsConsistentWith(otelName: string, prometheusName: string): OtelCandidate[] {
  const tokens = alphanumericTokens(otelName);
  const bare = tokens[tokens.length - 1] === 'total' ? tokens.slice(0, -1) : tokens;
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((t, i) => t === b[i]);
  return otelCandidatesFor(prometheusName).filter((c) => {
    const withUnit = c.unitWords === '' ? c.stemTokens : [...c.stemTokens, ...c.unitWords.split('_')];
    return same(tokens, c.stemTokens) || same(tokens, withUnit) || same(bare, c.stemTokens) || same(bare, withUnit);
  });
}

/** The Prometheus type of a family, as far as {@link otelNamesOfFamily} needs it. */
export type PrometheusFamilyKind = 'counter' | 'gauge' | 'histogram' | 'summary';

/**
 * The OpenTelemetry names a processor names to act on the metric that lands in Prometheus as the
 * family `family` (a histogram's or summary's base name, a counter's `…_total`): the name's
 * tokens without the suffixes the exporter appends (`_total` of a counter, `_ratio` of a unit-`1`
 * gauge), with and without the unit words (the unit may be metadata — `http.server.request.duration`
 * with unit `s` — or part of the name), each joined by `.` and by `_`. Every name returned is
 * translated back into `family` by {@link prometheusMetricName} (with the unit its unit words
 * spell, or with no unit when the name already carries them). A name spelled with mixed
 * separators (`http.server.active_requests`) is not among them: a processor naming these leaves
 * such a metric alone.
 */
export function otelNamesOfFamily(family: string, kind: PrometheusFamilyKind): string[] {
  const type: OtelMetricType = kind === 'counter' ? 'sum' : kind;
  const read = reading(family, type, 'value', kind === 'counter' ? true : undefined);
  if (kind === 'counter' && !family.endsWith('_total')) return [];
  const stems: string[][] = [read.stemTokens.slice()];
  if (read.unitWords !== '') stems.push([...read.stemTokens, ...read.unitWords.split('_')]);
  if (kind === 'gauge' && family.endsWith('_ratio')) stems.push(...stems.map((s) => [...s, 'ratio']));
  const out = new Set<string>();
  for (const tokens of stems) {
    if (tokens.length === 0) continue;
    out.add(tokens.join('.'));
    out.add(tokens.join('_'));
  }
  return [...out];
}
