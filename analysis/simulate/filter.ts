import type { Point } from './model';
import { evaluate, OttlNotModelled, OttlSyntaxError, parseOttlCondition, re2, type OttlCondition } from '../ottl';
import { isRecord, stringList, type StepContext } from './points';
import { PointTarget } from './target';

/**
 * The `filter` processor on metrics: a point is dropped when any `metrics.metric` condition
 * holds for its metric or any `metrics.datapoint` condition holds for it (OTTL form), or by
 * the legacy `include` / `exclude` name lists (`match_type` strict or regexp). A condition
 * the simulation cannot evaluate is treated as false (the collector's `error_mode: ignore`)
 * and noted.
 */
export function simulateFilter(points: Point[], config: Record<string, unknown>, ctx: StepContext): Point[] {
  const metrics = isRecord(config.metrics) ? config.metrics : {};
  const metricConditions = compile(stringList(metrics.metric) ?? [], ctx, 'metrics.metric');
  const pointConditions = compile(stringList(metrics.datapoint) ?? [], ctx, 'metrics.datapoint');
  const include = legacyMatcher(metrics.include, ctx, 'include');
  const exclude = legacyMatcher(metrics.exclude, ctx, 'exclude');
  const metricTarget = new PointTarget('metric', ctx.names);
  const pointTarget = new PointTarget('datapoint', ctx.names);
  const metricVerdicts = new Map<string, boolean>();
  const failed = new Set<string>();

  const holds = (conditions: Compiled[], target: PointTarget): boolean => {
    for (const c of conditions) {
      try {
        if (evaluate(c.expr, target)) return true;
      } catch (error) {
        if (!(error instanceof OttlNotModelled)) throw error;
        if (!failed.has(c.text)) {
          failed.add(c.text);
          ctx.note(`condition ${JSON.stringify(c.text)} not evaluated (${error.message}); treated as false, as error_mode ignore does`);
        }
      }
    }
    return false;
  };

  const out: Point[] = [];
  for (const p of points) {
    if (include && !include(p.name)) continue;
    if (exclude && exclude(p.name)) continue;
    if (metricConditions.length > 0) {
      const key = `${p.name}\u0000${p.group}`;
      let dropped = metricVerdicts.get(key);
      if (dropped === undefined) {
        dropped = holds(metricConditions, metricTarget.at(p));
        metricVerdicts.set(key, dropped);
      }
      if (dropped) continue;
    }
    if (pointConditions.length > 0 && holds(pointConditions, pointTarget.at(p))) continue;
    out.push(p);
  }
  return out;
}

interface Compiled {
  readonly text: string;
  readonly expr: OttlCondition;
}

function compile(texts: readonly string[], ctx: StepContext, field: string): Compiled[] {
  const out: Compiled[] = [];
  for (const text of texts) {
    try {
      out.push({ text, expr: parseOttlCondition(text) });
    } catch (error) {
      if (!(error instanceof OttlSyntaxError)) throw error;
      ctx.note(`${field}: ${JSON.stringify(text)} is not modelled (${error.message}); it drops nothing in the simulation`);
    }
  }
  return out;
}

function legacyMatcher(value: unknown, ctx: StepContext, field: string): ((name: string) => boolean) | undefined {
  if (!isRecord(value)) return undefined;
  const names = stringList(value.metric_names) ?? [];
  const matchType = value.match_type ?? 'strict';
  if (matchType === 'strict') return (name) => names.some((n) => ctx.names.nameIs(n, name));
  if (matchType === 'regexp') {
    for (const n of names) re2(n);
    return (name) => names.some((n) => ctx.names.nameMatches(n, name));
  }
  ctx.note(`metrics.${field}.match_type ${JSON.stringify(matchType)} is not modelled; the ${field} list is ignored`);
  return undefined;
}
