import { canonicalComponentType, componentTypeOf, prometheusLabelName, SERVICE_INSTANCE_ID, SERVICE_NAME, SERVICE_NAMESPACE } from '../naming';
import type { Labels, MetricType, Series } from '../series/model';
import { seriesKey } from '../series/model';
import { simulateFilter } from './filter';
import { simulateMetricsTransform } from './metricstransform';
import type { AggregationRecord, Collision, OutputSeries, Point, ProcessorStep, SimulationNote, SimulationResult, ValueNode } from './model';
import { AttrsInterner, isRecord, type StepContext } from './points';
import { simulateCumulativeToDelta, simulateDeltaToCumulative, simulateGroupByAttrs } from './regroup';
import { NameResolver } from './target';
import { simulateTransform } from './transform';
import { InputError } from '../input-error';

/**
 * The parts of a rendered collector config the simulation reads; structurally the same as
 * `CollectorConfig` in constructs/collector/config.ts (analysis/ imports nothing of ours).
 */
export interface RenderedCollectorConfig {
  readonly processors?: Readonly<Record<string, unknown>>;
  readonly exporters?: Readonly<Record<string, unknown>>;
  readonly service: {
    readonly pipelines: Readonly<
      Record<string, { readonly receivers: readonly string[]; readonly processors?: readonly string[]; readonly exporters: readonly string[] }>
    >;
  };
}

/** A processor as configured: its id (`type/name`) and config. */
export interface ConfiguredProcessor {
  readonly id: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** How the exporter writes series (the settings that change the Prometheus output). */
export interface ExportSettings {
  /**
   * `prometheus_remote_write` drops delta sums and histograms; `prometheus` accumulates them
   * (the deprecated spelling `prometheusremotewrite` is read the same way).
   * @default 'prometheus_remote_write'
   */
  readonly exporter?: 'prometheus_remote_write' | 'prometheusremotewrite' | 'prometheus' | 'other';
  /** The exporter's `resource_to_telemetry_conversion.enabled`. @default false */
  readonly resourceToTelemetryConversion?: boolean;
  /** The exporter's `external_labels`, added to every series. @default - none */
  readonly externalLabels?: Readonly<Record<string, string>>;
}

/** Options of the simulation. */
export interface SimulateOptions {
  /** Build each output series' value provenance, for {@link simulateValues}. @default false */
  readonly trackValues?: boolean;
}

type Simulator = (points: Point[], config: Record<string, unknown>, ctx: StepContext) => Point[];

const PASS_THROUGH: Simulator = (points) => points;

/** Processor types the simulation models, by canonical type (deprecated spellings of an id are read as these). */
export const MODELLED_PROCESSORS: ReadonlyMap<string, Simulator> = new Map([
  ['filter', simulateFilter],
  ['transform', simulateTransform],
  ['metrics_transform', simulateMetricsTransform],
  ['groupbyattrs', simulateGroupByAttrs],
  ['cumulative_to_delta', simulateCumulativeToDelta],
  ['delta_to_cumulative', simulateDeltaToCumulative],
  ['batch', PASS_THROUGH],
  ['memory_limiter', PASS_THROUGH],
]);

/** Processor types that can reduce or rename series (the causes named for a collision). */
const REDUCERS = new Set(['transform', 'metrics_transform', 'groupbyattrs', 'filter']);

/**
 * Applies the processors of `service.pipelines[pipelineId]`, as rendered, to a series set and
 * returns the series Prometheus would store, with what the simulation could not model.
 */
export function simulatePipeline(
  config: RenderedCollectorConfig,
  pipelineId: string,
  input: readonly Series[],
  options: SimulateOptions = {},
): SimulationResult {
  const pipeline = config.service.pipelines[pipelineId];
  if (!pipeline) {
    const known = Object.keys(config.service.pipelines).join(', ') || 'none';
    throw new InputError(`pipeline ${JSON.stringify(pipelineId)} is not in service.pipelines (known: ${known})`);
  }
  const processors = (pipeline.processors ?? []).map((id): ConfiguredProcessor => {
    const raw = config.processors?.[id];
    return { id, config: isRecord(raw) ? raw : {} };
  });
  return simulateProcessors(processors, exportSettingsOf(config, pipeline.exporters), input, options);
}

/** The export settings of a pipeline's first Prometheus-writing exporter. */
export function exportSettingsOf(config: RenderedCollectorConfig, exporterIds: readonly string[]): ExportSettings {
  for (const id of exporterIds) {
    const type = componentTypeOf('exporter', id);
    if (type !== 'prometheus_remote_write' && type !== 'prometheus') continue;
    const raw = config.exporters?.[id];
    const conversion = isRecord(raw) && isRecord(raw.resource_to_telemetry_conversion) && raw.resource_to_telemetry_conversion.enabled === true;
    const external = isRecord(raw) && isRecord(raw.external_labels) ? (raw.external_labels as Record<string, string>) : undefined;
    return { exporter: type, resourceToTelemetryConversion: conversion, ...(external ? { externalLabels: { ...external } } : {}) };
  }
  return { exporter: 'other' };
}

/** Applies processors in order to a series set; see {@link simulatePipeline}. */
export function simulateProcessors(
  processors: readonly ConfiguredProcessor[],
  exportSettings: ExportSettings,
  input: readonly Series[],
  options: SimulateOptions = {},
): SimulationResult {
  const track = options.trackValues ?? false;
  const names = new NameResolver();
  const notes: SimulationNote[] = [];
  const steps: ProcessorStep[] = [];
  let points = toPoints(input, track);
  const reducers: string[] = [];
  const aggregations = new Map<string, AggregationRecord>();
  const interner = new AttrsInterner();
  for (const processor of processors) {
    const type = componentTypeOf('processor', processor.id);
    const simulator = MODELLED_PROCESSORS.get(type);
    const seen = new Set<string>();
    const ctx: StepContext = {
      id: processor.id,
      names,
      track,
      interner,
      note: (message) => {
        if (seen.has(message)) return;
        seen.add(message);
        notes.push({ processor: processor.id, message });
      },
      aggregated: (metric, fn, delta) => {
        const key = `${metric}\u0000${fn}\u0000${processor.id}\u0000${delta}`;
        if (!aggregations.has(key)) aggregations.set(key, { metric, fn, processor: processor.id, delta });
      },
    };
    const before = points.length;
    if (!simulator) {
      ctx.note(`processor type ${JSON.stringify(type)} is not modelled; its data passes unchanged`);
    } else {
      points = simulator(points, { ...processor.config }, ctx);
    }
    if (REDUCERS.has(type)) reducers.push(processor.id);
    steps.push({ processor: processor.id, pointsIn: before, pointsOut: points.length });
  }
  return exportPoints(points, input.length, exportSettings, steps, notes, reducers, track, [...aggregations.values()]);
}

function toPoints(input: readonly Series[], track: boolean): Point[] {
  const bucketFamilies = new Set<string>();
  for (const s of input) if (s.type === undefined && s.name.endsWith('_bucket') && 'le' in s.labels) bucketFamilies.add(s.name.slice(0, -7));
  const points: Point[] = new Array(input.length);
  // One resource object and group id per (job, instance[, resource]): processors replace a
  // point's resource object, never mutate it, so sharing is safe and saves one object per series.
  const groups = new Map<string, Map<string, { group: string; resource: Record<string, string> }>>();
  let groupCount = 0;
  for (let i = 0; i < input.length; i++) {
    const s = input[i]!;
    const labels = s.labels;
    const attrs: Record<string, string> = {};
    for (const k in labels) if (k !== 'job' && k !== 'instance') attrs[k] = labels[k]!;
    const outer = s.resource ? `${labels.job ?? ''}\u0001${JSON.stringify(s.resource)}` : (labels.job ?? '');
    let byInstance = groups.get(outer);
    if (byInstance === undefined) groups.set(outer, (byInstance = new Map()));
    let entry = byInstance.get(labels.instance ?? '');
    if (entry === undefined) {
      let resource: Record<string, string>;
      if (s.resource) resource = { ...s.resource };
      else {
        resource = {};
        if (s.labels.job !== undefined) resource[SERVICE_NAME] = s.labels.job;
        if (s.labels.instance !== undefined) resource[SERVICE_INSTANCE_ID] = s.labels.instance;
      }
      byInstance.set(labels.instance ?? '', (entry = { group: `in${groupCount++}`, resource }));
    }
    const point: Point = {
      name: s.name,
      type: s.type ?? inferType(s, bucketFamilies),
      attrs,
      resource: entry.resource,
      group: entry.group,
      delta: false,
      inputs: 1,
    };
    if (track) point.node = { kind: 'input', index: i };
    points[i] = point;
  }
  return points;
}

function inferType(s: Series, bucketFamilies: ReadonlySet<string>): MetricType {
  if (s.name.endsWith('_total')) return 'counter';
  if (s.name.endsWith('_bucket') && 'le' in s.labels) return 'histogram';
  for (const suffix of ['_sum', '_count']) {
    if (s.name.endsWith(suffix) && bucketFamilies.has(s.name.slice(0, -suffix.length))) return 'histogram';
  }
  return 'unknown';
}

function exportPoints(
  points: readonly Point[],
  inputCount: number,
  settings: ExportSettings,
  steps: ProcessorStep[],
  notes: SimulationNote[],
  reducers: readonly string[],
  track: boolean,
  aggregations: readonly AggregationRecord[],
): SimulationResult {
  const exporter = canonicalComponentType('exporter', settings.exporter ?? 'prometheus_remote_write');
  let droppedAtExport = 0;
  const byKey = new Map<string, { series: OutputSeries; writers: Point[] }>();
  for (const p of points) {
    if (p.delta && exporter === 'prometheus_remote_write') {
      droppedAtExport += 1;
      continue;
    }
    const labels = outputLabels(p, settings);
    const key = seriesKey(p.name, labels);
    const existing = byKey.get(key);
    if (existing) {
      existing.writers.push(p);
      continue;
    }
    byKey.set(key, {
      series: { name: p.name, labels, type: p.type, inputs: p.inputs, ...(track ? { node: p.delta ? { kind: 'cumulative', child: p.node! } : p.node } : {}) },
      writers: [p],
    });
  }
  if (droppedAtExport > 0) {
    notes.push({
      processor: `exporter ${exporter}`,
      message: `${droppedAtExport} delta-temporality points dropped: prometheus_remote_write does not export delta sums or histograms (add delta_to_cumulative after cumulative_to_delta)`,
    });
  }
  const output: OutputSeries[] = [];
  const collisions: Collision[] = [];
  for (const [key, { series, writers }] of byKey) {
    if (writers.length === 1) {
      output.push(series);
      continue;
    }
    let inputs = 0;
    for (const w of writers) inputs += w.inputs;
    collisions.push({ series: key, writers: writers.length, cause: reducers.join(', ') || 'the input' });
    const node: ValueNode | undefined = track
      ? { kind: 'collide', children: writers.map((w) => (w.delta ? { kind: 'cumulative', child: w.node! } : w.node!)) }
      : undefined;
    output.push({ ...series, inputs, ...(node ? { node } : {}) });
  }
  return { output, inputCount, steps, notes, collisions, droppedAtExport, aggregations };
}

function outputLabels(p: Point, settings: ExportSettings): Labels {
  const labels: Record<string, string> = { ...p.attrs };
  const name = p.resource[SERVICE_NAME];
  if (name !== undefined) {
    const namespace = p.resource[SERVICE_NAMESPACE];
    labels.job = namespace ? `${namespace}/${name}` : name;
  }
  const instance = p.resource[SERVICE_INSTANCE_ID];
  if (instance !== undefined) labels.instance = instance;
  if (settings.resourceToTelemetryConversion) {
    for (const k in p.resource) {
      if (k === SERVICE_NAME || k === SERVICE_NAMESPACE || k === SERVICE_INSTANCE_ID) continue;
      labels[prometheusLabelName(k)] = p.resource[k]!;
    }
  }
  if (settings.externalLabels) for (const k in settings.externalLabels) labels[k] = settings.externalLabels[k]!;
  return labels;
}
