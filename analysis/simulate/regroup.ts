import type { Point, ValueNode } from './model';
import { attrsKey, isRecord, stringList, type StepContext } from './points';

/**
 * `groupbyattrs`: moves the listed data-point attributes to the resource and regroups: points
 * whose resulting resources have equal attributes travel in one resource entry from then on
 * (with no keys, only that compaction). Within one batch; the simulation sees everything as
 * one batch, so it shows the best case (see docs/cost.md).
 */
export function simulateGroupByAttrs(points: Point[], config: Record<string, unknown>, ctx: StepContext): Point[] {
  const keys = stringList(config.keys) ?? [];
  const labels = keys.map((k) => [k, ctx.names.label(k)] as const);
  const groups = new Map<string, string>();
  for (const p of points) {
    if (labels.length > 0) {
      let resource: Record<string, string> | undefined;
      let attrs: Record<string, string> | undefined;
      for (const [key, label] of labels) {
        if (!(label in p.attrs)) continue;
        resource ??= { ...p.resource };
        attrs ??= { ...p.attrs };
        resource[key] = attrs[label]!;
        delete attrs[label];
      }
      if (resource) p.resource = resource;
      if (attrs) p.attrs = attrs;
    }
    const key = attrsKey(p.resource);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = `r${groups.size}:${key}`));
    p.group = group;
  }
  return points;
}

/**
 * `cumulativetodelta`: monotonic sums (counters) and histograms selected by
 * `include` / `exclude` (`metrics`, `match_type` strict or regexp; all when absent) become
 * delta. Value level, as the pinned collector does it for points without a start time (see
 * {@link evaluateNode}): the first point of each stream is dropped; at a reset (a decrease) a
 * counter emits no delta and counts on from the value after the restart; a histogram point is
 * one stream over its buckets and count: at a reset it emits nothing and keeps the point before
 * the reset as its reference.
 */
export function simulateCumulativeToDelta(points: Point[], config: Record<string, unknown>, ctx: StepContext): Point[] {
  const include = selector(config.include, ctx);
  const exclude = selector(config.exclude, ctx);
  const histograms = new Map<string, { count?: ValueNode; buckets: Array<{ le: number; node: ValueNode }> }>();
  for (const p of points) {
    if (p.delta || (p.type !== 'counter' && p.type !== 'histogram')) continue;
    if (include && !include(p.name)) continue;
    if (exclude && exclude(p.name)) continue;
    p.delta = true;
    if (!ctx.track) continue;
    if (p.type !== 'histogram') {
      p.node = { kind: 'delta', child: p.node! };
      continue;
    }
    const role = HISTOGRAM_ROLES.find((r) => p.name.endsWith(r)) ?? '';
    const { le, ...rest } = p.attrs;
    const key = `${p.group}\u0000${p.name.slice(0, p.name.length - role.length)}\u0000${attrsKey(rest)}`;
    let peers = histograms.get(key);
    if (!peers) histograms.set(key, (peers = { buckets: [] }));
    const bound = le === '+Inf' ? Infinity : Number(le);
    if (role === '_bucket' && le !== undefined && !Number.isNaN(bound)) peers.buckets.push({ le: bound, node: p.node! });
    else if (role === '_count') peers.count = p.node!;
    p.node = { kind: 'delta', child: p.node!, histogram: peers };
  }
  for (const peers of histograms.values()) peers.buckets.sort((a, b) => a.le - b.le);
  return points;
}

const HISTOGRAM_ROLES = ['_bucket', '_count', '_sum'];

/** `deltatocumulative`: every delta stream becomes cumulative again (a running sum from its first delta). */
export function simulateDeltaToCumulative(points: Point[], _config: Record<string, unknown>, ctx: StepContext): Point[] {
  for (const p of points) {
    if (!p.delta) continue;
    p.delta = false;
    if (ctx.track) p.node = { kind: 'cumulative', child: p.node! };
  }
  return points;
}

function selector(value: unknown, ctx: StepContext): ((name: string) => boolean) | undefined {
  if (!isRecord(value)) return undefined;
  const metrics = stringList(value.metrics) ?? [];
  if (value.match_type === 'regexp') return (name) => metrics.some((m) => ctx.names.nameMatches(m, name));
  return (name) => metrics.some((m) => ctx.names.nameIs(m, name));
}
