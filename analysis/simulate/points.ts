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
}

/** Labels made by the Prometheus translation itself: never attributes, never removed. */
export const STRUCTURAL_LABELS: ReadonlySet<string> = new Set(['le', 'quantile']);

/** A stable key of an attribute map. */
export function attrsKey(attrs: Readonly<Record<string, string>>): string {
  const keys = Object.keys(attrs);
  if (keys.length > 1) keys.sort();
  let out = '';
  for (let i = 0; i < keys.length; i++) out += keys[i] + '\u0001' + attrs[keys[i]!] + '\u0002';
  return out;
}

/** The attributes whose label is in `keep` (plus `le` / `quantile`); the same object when nothing is removed. */
export function pickAttrs(attrs: Record<string, string>, keep: ReadonlySet<string>): Record<string, string> {
  let removes = false;
  for (const k in attrs) {
    if (!keep.has(k) && !STRUCTURAL_LABELS.has(k)) {
      removes = true;
      break;
    }
  }
  if (!removes) return attrs;
  const out: Record<string, string> = {};
  for (const k in attrs) if (keep.has(k) || STRUCTURAL_LABELS.has(k)) out[k] = attrs[k]!;
  return out;
}

/**
 * Merges the points that share a key (within one resource entry and one metric name, which
 * the caller puts in the key) with `fn`; points whose key is `undefined` pass untouched, in
 * their original order.
 */
export function mergeByKey(points: readonly Point[], keyOf: (p: Point) => string | undefined, fn: AggregationFunction, ctx: StepContext): Point[] {
  const groups = new Map<string, Point[]>();
  const order: Array<Point | string> = [];
  for (const p of points) {
    const key = keyOf(p);
    if (key === undefined) {
      order.push(p);
      continue;
    }
    let list = groups.get(key);
    if (!list) {
      groups.set(key, (list = []));
      order.push(key);
    }
    list.push(p);
  }
  const out: Point[] = new Array(order.length);
  for (let i = 0; i < order.length; i++) {
    const entry = order[i]!;
    if (typeof entry !== 'string') {
      out[i] = entry;
      continue;
    }
    const list = groups.get(entry)!;
    if (list.length > 1) ctx.aggregated(list[0]!.name, fn, list[0]!.delta);
    out[i] = mergePoints(list, fn, ctx.track);
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
