import { checkStringList, type ComponentInit } from './base';
import type { AggregationEffect, AggregationFunction, AttributeLevel } from './effects';
import { CollectorConfigError } from './errors';
import { nameIn, ottlString, ottlStringList, re2Problem, typeIn, METRIC_TYPE_ENUM } from '../../analysis/ottl';

/** How the processors that run OTTL react to a statement error. */
export type OttlErrorMode = 'ignore' | 'silent' | 'propagate';

/** Metric type, as OpenTelemetry names it; `histogram` covers exponential histograms. */
export type MetricType = 'sum' | 'gauge' | 'histogram';

/** A metric named for a processor: a bare OpenTelemetry name, or a name with its type. */
export type MetricSelector = string | { readonly name: string; readonly type: MetricType };

/** Props of `Processor.filterMetrics()`. At least one of the three lists is required. */
export interface FilterMetricsProps {
  /** Exact OpenTelemetry metric names to drop. @default - none */
  readonly dropNames?: readonly string[];
  /** RE2 regular expressions; metrics whose name matches are dropped. @default - none */
  readonly dropRegexes?: readonly string[];
  /** Keep only these metric names; every other metric is dropped. @default - keep all */
  readonly keepOnly?: readonly string[];
  /** What the filter does when a condition fails to evaluate. @default 'ignore' */
  readonly errorMode?: OttlErrorMode;
}

/** Props of `Processor.keepAttributes()`. */
export interface KeepAttributesProps {
  /** The metrics to reduce; give `{ name, type }` when the type is known so Phoenix can check it. */
  readonly metrics: readonly MetricSelector[];
  /** Data-point attributes to keep; the series that differ only in other attributes are merged. */
  readonly keep: readonly string[];
  /** Function merging sums (counters). Histograms always merge with `sum`. @default 'sum' */
  readonly aggregation?: AggregationFunction;
  /**
   * Function merging gauges (`max`, `min`, `mean`…). Without it gauges are left untouched,
   * and naming a gauge in `metrics` is an error: a summed gauge is a number nobody measured.
   * @default - gauges are not aggregated
   */
  readonly gaugeFunction?: AggregationFunction;
  /**
   * Before merging, set the start time of the listed counters' and histograms' DELTA points to 0
   * (unknown), so every delta point of one timestamp merges into one. `aggregate_on_attributes`
   * merges delta points only when they start at the same time; a stream whose delta starts
   * elsewhere (back from a gap, a histogram back above its counts before a reset, an OTLP
   * stream's first point) stays a second point, and `deltatocumulative` keeps only one of the two
   * (the other is dropped as out of order; which one depends on Go map order), losing either that
   * stream's increase or the whole group's for that scrape (ADR 0137). On by default (ADR 0139):
   * cumulative points, gauges and `absoluteSums` sums are never touched. Set `false` only for a
   * merge whose deltas leave the collector as deltas with their intervals (no `deltaToCumulative`
   * after it); `phoenix check` reports an unaligned merge that feeds one.
   * @default true
   */
  readonly alignDeltaStarts?: boolean;
  /**
   * The listed sums are read only as absolute values (`sum by (…) (x)`, never `rate(x)`): they merge as
   * cumulative values, without delta conversion — at every scrape the merged value is the sum the
   * queries compute, resets included — so Phoenix does not require `cumulativeToDelta` /
   * `deltaToCumulative` around them. A `rate()` over the merged sum would read one series' reset as a
   * reset of the sum: give it only when no query reads the sums as rates (ADR 0138). Histograms and
   * untyped metrics still need the delta conversion.
   * @default false
   */
  readonly absoluteSums?: boolean;
  /** @default 'ignore' */
  readonly errorMode?: OttlErrorMode;
}

/** Props of `Processor.dropAttribute()`. */
export interface DropAttributeProps {
  /** The attribute to delete, e.g. `k8s.pod.uid`. */
  readonly attribute: string;
  /**
   * The kept attribute whose value determines `attribute` (e.g. `k8s.pod.name` implies
   * `k8s.pod.uid`), so deleting it merges no series. Required: without it, use `keepAttributes`.
   */
  readonly impliedBy?: string;
  /** Where the attribute lives. @default 'datapoint' */
  readonly level?: AttributeLevel;
  /** Restrict to these metric names (data-point attributes only). @default - every metric */
  readonly metrics?: readonly string[];
  /** @default 'ignore' */
  readonly errorMode?: OttlErrorMode;
}

/** Props of `Processor.keepResourceAttributes()`. */
export interface KeepResourceAttributesProps {
  /** Resource attributes to keep, e.g. `service.name`; the others are removed. */
  readonly keep: readonly string[];
  /** @default 'ignore' */
  readonly errorMode?: OttlErrorMode;
}

const AGGREGATION_FUNCTIONS: readonly AggregationFunction[] = ['sum', 'max', 'min', 'mean', 'median', 'count'];
const ERROR_MODES: readonly OttlErrorMode[] = ['ignore', 'silent', 'propagate'];

/** Builds the `filter` processor that drops metrics by name, regex or allow-list. */
export function buildFilterMetrics(props: FilterMetricsProps, name: string | undefined): ComponentInit {
  const factory = 'Processor.filterMetrics';
  checkStringList(factory, 'dropNames', props.dropNames);
  checkStringList(factory, 'dropRegexes', props.dropRegexes);
  checkStringList(factory, 'keepOnly', props.keepOnly);
  const errorMode = checkErrorMode(factory, props.errorMode);
  const dropNames = props.dropNames ?? [];
  const dropRegexes = props.dropRegexes ?? [];
  if (dropNames.length === 0 && dropRegexes.length === 0 && props.keepOnly === undefined) {
    throw new CollectorConfigError(`${factory}: give at least one of 'dropNames', 'dropRegexes' or 'keepOnly'`);
  }
  for (const n of dropNames) {
    if (props.keepOnly?.includes(n)) {
      throw new CollectorConfigError(`${factory}: '${n}' is both in 'keepOnly' and in 'dropNames'`);
    }
  }
  dropRegexes.forEach((regex, i) => {
    const problem = re2Problem(regex);
    if (problem) throw new CollectorConfigError(`${factory}: dropRegexes[${i}] (${JSON.stringify(regex)}) ${problem}`);
  });
  const conditions = [...dropNames.map((n) => `name == ${ottlString(n)}`), ...dropRegexes.map((r) => `IsMatch(name, ${ottlString(r)})`)];
  if (props.keepOnly !== undefined) {
    conditions.push(props.keepOnly.map((n) => `name != ${ottlString(n)}`).join(' and '));
  }
  return {
    type: 'filter',
    name,
    config: { error_mode: errorMode, metrics: { metric: conditions } },
    effects: {
      aggregates: false,
      stateful: false,
      opaque: false,
      droppedMetrics: { names: [...dropNames], regexes: [...dropRegexes], keepOnly: props.keepOnly ? [...props.keepOnly] : undefined },
    },
  };
}

/** Builds the `transform` processor that keeps listed attributes and aggregates what merges. */
export function buildKeepAttributes(props: KeepAttributesProps, name: string | undefined): ComponentInit {
  const factory = 'Processor.keepAttributes';
  const errorMode = checkErrorMode(factory, props.errorMode);
  if (!Array.isArray(props.metrics) || props.metrics.length === 0) {
    throw new CollectorConfigError(`${factory}: 'metrics' must name at least one metric (aggregating every metric is never lossless)`);
  }
  const metrics = props.metrics.map((m, i) => normaliseSelector(factory, m, i));
  const names = metrics.map((m) => m.name);
  checkStringList(factory, 'metrics', names);
  checkStringList(factory, 'keep', props.keep, true);
  if (props.keep === undefined) throw new CollectorConfigError(`${factory}: 'keep' is required (an empty list merges every series of each metric)`);
  for (const option of ['alignDeltaStarts', 'absoluteSums'] as const) {
    if (props[option] !== undefined && typeof props[option] !== 'boolean') throw new CollectorConfigError(`${factory}: '${option}' must be true or false`);
  }
  const sums = checkAggregation(factory, 'aggregation', props.aggregation ?? 'sum');
  const gauges = props.gaugeFunction === undefined ? undefined : checkAggregation(factory, 'gaugeFunction', props.gaugeFunction);
  const declaredGauges = metrics.filter((m) => m.type === 'gauge').map((m) => m.name);
  if (declaredGauges.length > 0 && gauges === undefined) {
    throw new CollectorConfigError(
      `${factory}: gauge ${declaredGauges.map((g) => `'${g}'`).join(', ')} would be aggregated without an explicit function: ` +
        `set 'gaugeFunction' ('max', 'min', 'mean'…) — summing a gauge (memory in use, queue length) across series gives a number nobody measured`,
    );
  }
  const groups: { types: (keyof typeof METRIC_TYPE_ENUM)[]; metricType: MetricType; fn: AggregationFunction | undefined }[] = [
    { types: ['sum'], metricType: 'sum', fn: sums },
    { types: ['histogram', 'exponentialHistogram'], metricType: 'histogram', fn: 'sum' },
    { types: ['gauge'], metricType: 'gauge', fn: gauges },
  ];
  const absolute = new Set(props.absoluteSums === true ? metrics.filter((m) => m.type === 'sum').map((m) => m.name) : []);
  const datapoint: string[] = [];
  const metric: string[] = [];
  const keep = ottlStringList(props.keep);
  for (const group of groups) {
    const groupNames = metrics.filter((m) => m.type === undefined || m.type === group.metricType).map((m) => m.name);
    if (groupNames.length === 0 || group.fn === undefined) continue;
    // counters and histograms merged as deltas start together (ADR 0137, on by default: ADR 0139); absolute sums stay cumulative
    const aligned = group.metricType === 'gauge' || props.alignDeltaStarts === false ? [] : groupNames.filter((n) => !absolute.has(n));
    if (aligned.length > 0) {
      datapoint.push(
        `set(start_time_unix_nano, 0) where ${nameIn(aligned, 'metric.name')} and ${typeIn(group.types, 'metric.type')} and metric.aggregation_temporality == AGGREGATION_TEMPORALITY_DELTA`,
      );
    }
    datapoint.push(`keep_keys(attributes, ${keep}) where ${nameIn(groupNames, 'metric.name')} and ${typeIn(group.types, 'metric.type')}`);
    metric.push(`aggregate_on_attributes(${ottlString(group.fn)}, ${keep}) where ${nameIn(groupNames, 'name')} and ${typeIn(group.types, 'type')}`);
  }
  // sums read as absolute values merge as cumulative values (ADR 0138); every other counter or histogram needs delta conversion
  const counters = metrics.filter((m) => m.type !== 'gauge' && !(props.absoluteSums === true && m.type === 'sum'));
  const aggregation: AggregationEffect = {
    sums,
    histograms: 'sum',
    gauges,
    mayTouchCounters: counters.length > 0,
    counterMetrics: counters.map((m) => m.name),
  };
  return {
    type: 'transform',
    name,
    config: {
      error_mode: errorMode,
      metric_statements: [
        { context: 'datapoint', statements: datapoint },
        { context: 'metric', statements: metric },
      ],
    },
    effects: { aggregates: true, stateful: false, opaque: false, metrics: names, keptAttributes: [...props.keep], aggregation },
  };
}

/** Builds the `transform` processor that deletes an attribute implied by a kept one. */
export function buildDropAttribute(props: DropAttributeProps, name: string | undefined): ComponentInit {
  const factory = 'Processor.dropAttribute';
  const errorMode = checkErrorMode(factory, props.errorMode);
  if (typeof props.attribute !== 'string' || props.attribute === '') {
    throw new CollectorConfigError(`${factory}: 'attribute' must be a non-empty attribute name`);
  }
  if (!props.impliedBy) {
    throw new CollectorConfigError(
      `${factory}: deleting '${props.attribute}' without aggregating merges every series that differ only in it into one ` +
        `series whose points collide (the backend keeps one and drops the rest, or rejects them): set 'impliedBy' to the kept ` +
        `attribute that determines it (e.g. 'k8s.pod.name' implies 'k8s.pod.uid'), or use Processor.keepAttributes(...) to aggregate`,
    );
  }
  if (props.impliedBy === props.attribute) {
    throw new CollectorConfigError(`${factory}: 'impliedBy' must name another attribute than '${props.attribute}'`);
  }
  const level = props.level ?? 'datapoint';
  if (level !== 'datapoint' && level !== 'resource') {
    throw new CollectorConfigError(`${factory}: 'level' (${JSON.stringify(level)}) must be 'datapoint' or 'resource'`);
  }
  checkStringList(factory, 'metrics', props.metrics);
  if (level === 'resource' && props.metrics) {
    throw new CollectorConfigError(
      `${factory}: 'metrics' applies to data-point attributes only; a resource attribute is shared by every metric of the resource`,
    );
  }
  const where = props.metrics ? ` where ${nameIn(props.metrics, 'metric.name')}` : '';
  const statement = `delete_key(attributes, ${ottlString(props.attribute)})${where}`;
  return {
    type: 'transform',
    name,
    config: { error_mode: errorMode, metric_statements: [{ context: level, statements: [statement] }] },
    effects: {
      aggregates: false,
      stateful: false,
      opaque: false,
      metrics: props.metrics ? [...props.metrics] : undefined,
      deletedAttributes: [{ attribute: props.attribute, impliedBy: props.impliedBy, level }],
    },
  };
}

/** Builds the `transform` processor that keeps listed resource attributes. */
export function buildKeepResourceAttributes(props: KeepResourceAttributesProps, name: string | undefined): ComponentInit {
  const factory = 'Processor.keepResourceAttributes';
  const errorMode = checkErrorMode(factory, props.errorMode);
  checkStringList(factory, 'keep', props.keep, true);
  if (props.keep === undefined) throw new CollectorConfigError(`${factory}: 'keep' is required`);
  return {
    type: 'transform',
    name,
    config: {
      error_mode: errorMode,
      metric_statements: [{ context: 'resource', statements: [`keep_keys(attributes, ${ottlStringList(props.keep)})`] }],
    },
    effects: { aggregates: false, stateful: false, opaque: false, keptResourceAttributes: [...props.keep] },
  };
}

function normaliseSelector(factory: string, selector: MetricSelector, index: number): { name: string; type?: MetricType } {
  if (typeof selector === 'string') return { name: selector };
  if (selector && typeof selector.name === 'string' && ['sum', 'gauge', 'histogram'].includes(selector.type)) {
    return { name: selector.name, type: selector.type };
  }
  throw new CollectorConfigError(`${factory}: metrics[${index}] must be a name or { name, type: 'sum' | 'gauge' | 'histogram' }`);
}

function checkAggregation(factory: string, field: string, fn: AggregationFunction): AggregationFunction {
  if (!AGGREGATION_FUNCTIONS.includes(fn)) {
    throw new CollectorConfigError(`${factory}: '${field}' (${JSON.stringify(fn)}) must be one of ${AGGREGATION_FUNCTIONS.join(', ')}`);
  }
  return fn;
}

/** Throws unless `mode` is a valid OTTL error mode; returns it with the default applied. */
export function checkErrorMode(factory: string, mode: OttlErrorMode | undefined): OttlErrorMode {
  const value = mode ?? 'ignore';
  if (!ERROR_MODES.includes(value)) {
    throw new CollectorConfigError(`${factory}: 'errorMode' (${JSON.stringify(value)}) must be one of ${ERROR_MODES.join(', ')}`);
  }
  return value;
}
