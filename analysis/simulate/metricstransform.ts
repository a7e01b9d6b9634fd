import { prometheusMetricName } from '../naming';
import type { AggregationFunction, Point } from './model';
import { attrsKey, isRecord, mergeByKey, pickAttrs, stringList, type StepContext } from './points';

const FUNCTIONS: ReadonlySet<string> = new Set(['sum', 'max', 'min', 'mean', 'median', 'count']);
const ROLE_SUFFIXES = ['_bucket', '_sum', '_count'];

/**
 * The `metricstransform` processor: per transform (`include`, `match_type` strict/regexp,
 * `action` update/insert, `new_name`), the operations `aggregate_labels` (keep `label_set`,
 * merge with `aggregation_type` within one resource entry), `aggregate_label_values`,
 * `delete_label_value`, `update_label` (rename, `value_actions`) and `add_label`.
 * `combine`, `experimental_match_labels` and the scalar/scale operations are noted, not modelled.
 */
export function simulateMetricsTransform(points: Point[], config: Record<string, unknown>, ctx: StepContext): Point[] {
  const transforms = Array.isArray(config.transforms) ? config.transforms : [];
  let current = points;
  transforms.forEach((t: unknown, i: number) => {
    if (!isRecord(t) || typeof t.include !== 'string') {
      ctx.note(`transforms[${i}] has no 'include'; not modelled`);
      return;
    }
    const action = t.action ?? 'update';
    if (action !== 'update' && action !== 'insert') {
      ctx.note(`transforms[${i}].action ${JSON.stringify(action)} is not modelled; skipped`);
      return;
    }
    if (t.experimental_match_labels !== undefined)
      ctx.note(`transforms[${i}].experimental_match_labels is not modelled; the transform applies to every point of the metric`);
    const include = t.include;
    const matches =
      (t.match_type ?? 'strict') === 'regexp' ? (p: Point) => ctx.names.nameMatches(include, p.name) : (p: Point) => ctx.names.nameIs(include, p.name);
    const newName = typeof t.new_name === 'string' ? t.new_name : undefined;
    const selected: Point[] = [];
    const rest: Point[] = [];
    for (const p of current) {
      if (!matches(p)) {
        rest.push(p);
        continue;
      }
      if (action === 'insert') {
        rest.push(p);
        selected.push({ ...p });
      } else selected.push(p);
    }
    let changed = selected;
    if (newName) for (const p of changed) p.name = renamed(p, newName);
    const operations = Array.isArray(t.operations) ? t.operations : [];
    operations.forEach((op: unknown, j: number) => {
      changed = applyOperation(changed, op, `transforms[${i}].operations[${j}]`, ctx);
    });
    current = [...rest, ...changed];
  });
  return current;
}

function applyOperation(points: Point[], op: unknown, where: string, ctx: StepContext): Point[] {
  if (!isRecord(op)) return points;
  switch (op.action) {
    case 'aggregate_labels': {
      const labels = stringList(op.label_set);
      const fn = String(op.aggregation_type ?? '');
      if (!labels || !FUNCTIONS.has(fn)) {
        ctx.note(`${where}: aggregate_labels needs label_set and aggregation_type; skipped`);
        return points;
      }
      const keep = new Set(labels.map((l) => ctx.names.label(l)));
      return aggregate(points, fn as AggregationFunction, (p) => (p.attrs = pickAttrs(p.attrs, keep, ctx.interner, p.type)), where, ctx);
    }
    case 'aggregate_label_values': {
      const label = typeof op.label === 'string' ? ctx.names.label(op.label) : undefined;
      const values = new Set(stringList(op.aggregated_values) ?? []);
      const fn = String(op.aggregation_type ?? '');
      if (!label || typeof op.new_value !== 'string' || !FUNCTIONS.has(fn)) {
        ctx.note(`${where}: aggregate_label_values needs label, aggregated_values, new_value and aggregation_type; skipped`);
        return points;
      }
      const newValue = op.new_value;
      return aggregate(
        points,
        fn as AggregationFunction,
        (p) => {
          if (values.has(p.attrs[label] ?? '')) p.attrs = { ...p.attrs, [label]: newValue };
        },
        where,
        ctx,
      );
    }
    case 'delete_label_value': {
      const label = typeof op.label === 'string' ? ctx.names.label(op.label) : '';
      return points.filter((p) => p.attrs[label] !== op.label_value);
    }
    case 'update_label': {
      if (typeof op.label !== 'string') return points;
      const from = ctx.names.label(op.label);
      const to = typeof op.new_label === 'string' ? ctx.names.label(op.new_label) : from;
      const valueActions = Array.isArray(op.value_actions) ? op.value_actions.filter(isRecord) : [];
      for (const p of points) {
        if (!(from in p.attrs)) continue;
        const copy = { ...p.attrs };
        let value = copy[from]!;
        for (const va of valueActions) if (va.value === value && typeof va.new_value === 'string') value = va.new_value;
        delete copy[from];
        copy[to] = value;
        p.attrs = copy;
      }
      return points;
    }
    case 'add_label': {
      if (typeof op.new_label !== 'string' || typeof op.new_value !== 'string') return points;
      const label = ctx.names.label(op.new_label);
      const value = op.new_value;
      for (const p of points) if (!(label in p.attrs)) p.attrs = { ...p.attrs, [label]: value };
      return points;
    }
    default:
      ctx.note(`${where}: action ${JSON.stringify(op.action)} is not modelled; skipped`);
      return points;
  }
}

function aggregate(points: Point[], fn: AggregationFunction, rewrite: (p: Point) => void, where: string, ctx: StepContext): Point[] {
  let noted = false;
  return mergeByKey(
    points,
    (p) => {
      if (p.type === 'summary' || ((p.type === 'histogram' || p.type === 'gaugehistogram') && fn !== 'sum')) {
        if (!noted) ctx.note(`${where}: ${p.type} points cannot be aggregated with ${fn}; left unchanged`);
        noted = true;
        return undefined;
      }
      rewrite(p);
      return attrsKey(p.attrs);
    },
    fn,
    ctx,
  );
}

function renamed(p: Point, otelName: string): string {
  const suffix = p.type === 'histogram' || p.type === 'summary' ? (ROLE_SUFFIXES.find((s) => p.name.endsWith(s)) ?? '') : '';
  const type = p.type === 'counter' ? 'sum' : p.type === 'histogram' ? 'histogram' : p.type === 'summary' ? 'summary' : 'gauge';
  return prometheusMetricName({ name: otelName, type }) + suffix;
}
