import type { MetricType } from '../series/model';
import type { AggregationFunction, Point, ValueNode } from './model';
import type { NameResolver } from './target';

/** What a processor simulation receives besides the points. */
export interface StepContext {
  /** The processor id (`transform/keep`). */
  readonly id: string;
  readonly names: NameResolver;
  /** Whether to build value provenance (`node`) on merged points. */
  readonly track: boolean;
  /** Records something not modelled; the data passes unchanged. */
  note(message: string): void;
  /** Records that points of `metric` (Prometheus name) were merged with `fn`. */
  aggregated(metric: string, fn: AggregationFunction, delta: boolean): void;
  /** Shares equal attribute maps between points (one simulation's lifetime). */
  readonly interner: AttrsInterner;
}

/** Keys of canonical attribute maps, so {@link attrsKey} need not sort them again. */
const canonicalKeys = new WeakMap<object, string>();

/**
 * Hands out one shared object per distinct attribute map made by a processor: after
 * `keep_keys` a million points usually share a few hundred maps, which saves memory and
 * garbage collection, and their keys are known.
 */
export class AttrsInterner {
  private readonly maps = new Map<string, Record<string, string>>();

  /** The canonical map with the entries of `attrs` whose key satisfies `kept`. */
  pick(attrs: Readonly<Record<string, string>>, kept: (key: string) => boolean): Record<string, string> {
    const keys: string[] = [];
    for (const k in attrs) if (kept(k)) keys.push(k);
    if (keys.length > 1) keys.sort();
    let key = '';
    for (let i = 0; i < keys.length; i++) key += keys[i] + '\u0001' + attrs[keys[i]!] + '\u0002';
    let found = this.maps.get(key);
    if (!found) {
      found = {};
      for (const k of keys) found[k] = attrs[k]!;
      this.maps.set(key, found);
      canonicalKeys.set(found, key);
    }
    return found;
  }
}

/**
 * Labels made by the Prometheus translation itself, per metric type: `le` of a histogram's
 * buckets, `quantile` of a summary; on any other type (a gauge `…{quantile="0.9"}`) they are
 * ordinary attributes. The exporter also writes each point's instrumentation scope as
 * `otel_scope_name`/`otel_scope_version` (measured on the pinned collector): never attributes,
 * never removed, whatever the type.
 */
export function structuralLabelsOf(type: MetricType | undefined): ReadonlySet<string> {
  if (type === 'histogram' || type === 'gaugehistogram') return HISTOGRAM_LABELS;
  if (type === 'summary') return SUMMARY_LABELS;
  return SCOPE_LABELS;
}
const SCOPE_LABELS: ReadonlySet<string> = new Set(['otel_scope_name', 'otel_scope_version']);
const HISTOGRAM_LABELS: ReadonlySet<string> = new Set(['le', ...SCOPE_LABELS]);
const SUMMARY_LABELS: ReadonlySet<string> = new Set(['quantile', ...SCOPE_LABELS]);

/** A stable key of an attribute map. */
export function attrsKey(attrs: Readonly<Record<string, string>>): string {
  const known = canonicalKeys.get(attrs);
  if (known !== undefined) return known;
  const keys = Object.keys(attrs);
  if (keys.length > 1) keys.sort();
  let out = '';
  for (let i = 0; i < keys.length; i++) out += keys[i] + '\u0001' + attrs[keys[i]!] + '\u0002';
  return out;
}

/**
 * The attributes whose label is in `keep` (plus the labels the metric type makes itself, see
 * {@link structuralLabelsOf}): the same object when nothing is removed, else the interner's shared map.
 */
export function pickAttrs(attrs: Record<string, string>, keep: ReadonlySet<string>, interner: AttrsInterner, type?: MetricType): Record<string, string> {
  const structural = structuralLabelsOf(type);
  let removes = false;
  for (const k in attrs) {
    if (!keep.has(k) && !structural.has(k)) {
      removes = true;
      break;
    }
  }
  if (!removes) return attrs;
  return interner.pick(attrs, (k) => keep.has(k) || structural.has(k));
}

/**
 * Merges, within one resource entry and one metric name, the points whose `keyOf` (their
 * attributes' key) is equal, with `fn`; points whose key is `undefined` pass untouched. Output
 * keeps the first-seen order.
 */
export function mergeByKey(points: readonly Point[], keyOf: (p: Point) => string | undefined, fn: AggregationFunction, ctx: StepContext): Point[] {
  // group → metric name → attributes key → points (nested maps: no key strings to build per point)
  const groups = new Map<string, Map<string, Map<string, Point[]>>>();
  const order: Array<Point | Point[]> = [];
  for (const p of points) {
    const key = keyOf(p);
    if (key === undefined) {
      order.push(p);
      continue;
    }
    let byName = groups.get(p.group);
    if (!byName) groups.set(p.group, (byName = new Map()));
    let byKey = byName.get(p.name);
    if (!byKey) byName.set(p.name, (byKey = new Map()));
    let list = byKey.get(key);
    if (!list) {
      byKey.set(key, (list = []));
      order.push(list);
    }
    list.push(p);
  }
  const out: Point[] = new Array(order.length);
  for (let i = 0; i < order.length; i++) {
    const entry = order[i]!;
    if (!Array.isArray(entry)) {
      out[i] = entry;
      continue;
    }
    if (entry.length > 1) ctx.aggregated(entry[0]!.name, fn, entry[0]!.delta);
    out[i] = mergePoints(entry, fn, ctx.track);
  }
  return out;
}

/** One point standing for `list` merged with `fn`. */
export function mergePoints(list: readonly Point[], fn: AggregationFunction, track: boolean): Point {
  const first = list[0]!;
  if (list.length === 1 && fn !== 'count') return first;
  let inputs = 0;
  for (const p of list) inputs += p.inputs;
  const merged: Point = { name: first.name, type: first.type, attrs: first.attrs, resource: first.resource, group: first.group, delta: first.delta, inputs };
  if (track) merged.node = { kind: 'aggregate', fn, children: list.map((p) => p.node!) } satisfies ValueNode;
  return merged;
}

/** Reads a string list from a config value, or `undefined` when it is not one. */
export function stringList(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
}

/** Whether a value is a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
