import type { AggregationFunction, Point } from './model';
import {
  evaluate,
  isPath,
  OttlNotModelled,
  OttlSyntaxError,
  parseOttlCondition,
  parseOttlStatement,
  readsDatapoint,
  type OttlCondition,
  type OttlStatement,
  type OttlValue,
} from '../ottl';
import { attrsKey, isRecord, mergeByKey, pickAttrs, type StepContext } from './points';
import { PointTarget } from './target';

const FUNCTIONS: ReadonlySet<string> = new Set(['sum', 'max', 'min', 'mean', 'median', 'count']);

/**
 * The `transform` processor's `metric_statements`, group by group, statement by statement:
 * - `datapoint`: `keep_keys(attributes, [...])`, `delete_key(attributes, "k")`,
 *   `set(attributes["k"], "v")`, `set(start_time_unix_nano, n)` (a number: the points' deltas then
 *   all start at `n`, so `aggregate_on_attributes` merges every delta point of one timestamp);
 * - `resource`: `keep_keys(attributes, [...])`, `delete_key(attributes, "k")`;
 * - `metric`: `aggregate_on_attributes(fn, [keys]?)`: within one resource entry and one metric,
 *   merge the points with equal kept attributes (no list: equal attributes); histograms only
 *   with `sum`; summaries untouched.
 * Each with its `where` condition. Anything else is noted and skipped (`error_mode: ignore`).
 */
export function simulateTransform(points: Point[], config: Record<string, unknown>, ctx: StepContext): Point[] {
  const groups = Array.isArray(config.metric_statements) ? config.metric_statements : [];
  let current = points;
  groups.forEach((group: unknown, g: number) => {
    if (!isRecord(group) || typeof group.context !== 'string' || !Array.isArray(group.statements)) {
      ctx.note(`metric_statements[${g}] is not a { context, statements } group; not modelled`);
      return;
    }
    const context = group.context;
    // A group's `conditions`: the statements run only where one of them holds.
    let groupCondition: OttlCondition | undefined;
    const conditionTexts = Array.isArray(group.conditions) ? group.conditions.filter((c): c is string => typeof c === 'string') : [];
    if (conditionTexts.length > 0) {
      try {
        const parsed = conditionTexts.map(parseOttlCondition);
        groupCondition = parsed.length === 1 ? parsed[0] : { kind: 'or', operands: parsed };
      } catch (error) {
        if (!(error instanceof OttlSyntaxError)) throw error;
        ctx.note(`metric_statements[${g}].conditions are not modelled (${error.message}); the group is skipped`);
        return;
      }
    }
    for (const text of group.statements) {
      if (typeof text !== 'string') continue;
      let statement: OttlStatement;
      try {
        statement = parseOttlStatement(text);
      } catch (error) {
        if (!(error instanceof OttlSyntaxError)) throw error;
        ctx.note(`${JSON.stringify(text)} is not modelled (${error.message}); skipped`);
        continue;
      }
      if (groupCondition) {
        statement = { ...statement, where: statement.where ? { kind: 'and', operands: [groupCondition, statement.where] } : groupCondition };
      }
      current = applyStatement(current, context, statement, text, ctx);
    }
  });
  return current;
}

function applyStatement(points: Point[], context: string, statement: OttlStatement, text: string, ctx: StepContext): Point[] {
  const target = new PointTarget(context === 'metric' ? 'metric' : context === 'resource' ? 'resource' : 'datapoint', ctx.names);
  let broken = false;
  // A clause that reads no data-point field has one value per metric and resource: cache it.
  const perMetric = statement.where && !readsDatapoint(statement.where) ? new Map<Record<string, string>, Map<string, boolean>>() : undefined;
  const matches = (p: Point): boolean => {
    if (!statement.where || broken) return !broken;
    let cached: Map<string, boolean> | undefined;
    if (perMetric) {
      cached = perMetric.get(p.resource);
      if (!cached) perMetric.set(p.resource, (cached = new Map()));
      const hit = cached.get(p.name);
      if (hit !== undefined) return hit;
    }
    try {
      const verdict = evaluate(statement.where, target.at(p));
      cached?.set(p.name, verdict);
      return verdict;
    } catch (error) {
      if (!(error instanceof OttlNotModelled)) throw error;
      broken = true;
      ctx.note(`${JSON.stringify(text)}: where clause not evaluated (${error.message}); statement skipped`);
      return false;
    }
  };
  const skip = (why: string): Point[] => {
    ctx.note(`${JSON.stringify(text)} ${why}; skipped`);
    return points;
  };
  const [first, second] = statement.args.map((a) => a.value);
  const onAttributes = isPath(first, 'attributes');

  if (context === 'datapoint' || context === 'resource') {
    const onResource = context === 'resource';
    if (statement.editor === 'keep_keys' && onAttributes) {
      const keys = literalStrings(second);
      if (!keys) return skip('needs a literal list of keys');
      const keep = new Set(onResource ? keys : keys.map((k) => ctx.names.label(k)));
      for (const p of points) {
        if (!matches(p)) continue;
        if (onResource) p.resource = pickAttrs(p.resource, keep, ctx.interner);
        else p.attrs = pickAttrs(p.attrs, keep, ctx.interner, p.type);
      }
      return points;
    }
    if (statement.editor === 'delete_key' && onAttributes && second?.kind === 'string') {
      const key = onResource ? second.value : ctx.names.label(second.value);
      for (const p of points) {
        if (!matches(p)) continue;
        const bag = onResource ? p.resource : p.attrs;
        if (key in bag) {
          const copy = { ...bag };
          delete copy[key];
          if (onResource) p.resource = copy;
          else p.attrs = copy;
        }
      }
      return points;
    }
    if (statement.editor === 'set' && !onResource && isPath(first, 'start_time_unix_nano') && second?.kind === 'number') {
      const at = second.value;
      for (const p of points) if (matches(p) && p.node) p.node = { kind: 'start', at, child: p.node };
      return points;
    }
    if (statement.editor === 'set' && !onResource && isPath(first, 'attributes', 1) && second?.kind === 'string') {
      const label = ctx.names.label(first.keys[0]!);
      const value = second.value;
      for (const p of points) if (matches(p)) p.attrs = { ...p.attrs, [label]: value };
      return points;
    }
    return skip(`is not modelled in the ${context} context`);
  }

  if (context === 'metric' && statement.editor === 'aggregate_on_attributes') {
    const fn = first?.kind === 'string' ? first.value : undefined;
    if (!fn || !FUNCTIONS.has(fn)) return skip(`has an unknown aggregation function ${JSON.stringify(fn)}`);
    const keys = second === undefined ? undefined : literalStrings(second);
    if (second !== undefined && !keys) return skip('needs a literal list of attributes');
    const keep = keys ? new Set(keys.map((k) => ctx.names.label(k))) : undefined;
    const verdicts = new Map<string, Map<string, boolean>>();
    let noted = false;
    return mergeByKey(
      points,
      (p) => {
        let byName = verdicts.get(p.group);
        if (!byName) verdicts.set(p.group, (byName = new Map()));
        let applies = byName.get(p.name);
        if (applies === undefined) {
          applies = matches(p);
          if (applies && (p.type === 'summary' || ((p.type === 'histogram' || p.type === 'gaugehistogram') && fn !== 'sum'))) {
            if (!noted) ctx.note(`${JSON.stringify(text)}: ${p.type} metrics cannot be aggregated with ${fn}; left unchanged, as the collector does`);
            noted = true;
            applies = false;
          }
          byName.set(p.name, applies);
        }
        if (!applies) return undefined;
        if (keep) p.attrs = pickAttrs(p.attrs, keep, ctx.interner, p.type);
        return attrsKey(p.attrs);
      },
      fn as AggregationFunction,
      ctx,
    );
  }
  return skip(`is not modelled in the ${context} context`);
}

function literalStrings(expr: OttlValue | undefined): string[] | undefined {
  if (expr?.kind !== 'list') return undefined;
  const out: string[] = [];
  for (const item of expr.items) {
    if (item.kind !== 'string') return undefined;
    out.push(item.value);
  }
  return out;
}
