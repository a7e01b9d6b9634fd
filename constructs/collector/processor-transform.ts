import type { AggregationFunction, ComponentEffects } from './effects';
import { CollectorConfigError } from './errors';
import { isPath, parseOttlCondition, parseOttlStatement, type OttlCondition, type OttlStatement, type OttlValue } from '../../analysis/ottl';

/** The OTTL contexts of the transform processor's `metric_statements`. */
const CONTEXTS = new Set(['resource', 'scope', 'metric', 'datapoint']);

/** A transform processor's statement group as written in a config. */
export interface StatementGroup {
  readonly context: string;
  readonly statements: readonly string[];
}

/**
 * Reads what a transform processor's metric statements do: whether they aggregate
 * (`aggregate_on_attributes`), which attributes they keep, which metrics they name.
 * Returns one problem per statement outside Phoenix's OTTL grammar.
 */
export function analyseTransform(groups: readonly StatementGroup[], where: string): { effects: ComponentEffects; problems: string[] } {
  const problems: string[] = [];
  const parsed: { context: string; statement: OttlStatement }[] = [];
  groups.forEach((group, g) => {
    if (!group || !CONTEXTS.has(group.context)) {
      problems.push(`${where}: metric_statements[${g}].context (${JSON.stringify(group?.context)}) must be one of ${[...CONTEXTS].join(', ')}`);
      return;
    }
    if (!Array.isArray(group.statements) || group.statements.length === 0) {
      problems.push(`${where}: metric_statements[${g}].statements must hold at least one statement`);
      return;
    }
    group.statements.forEach((text, s) => {
      try {
        parsed.push({ context: group.context, statement: parseOttlStatement(text) });
      } catch (error) {
        problems.push(`${where}: metric_statements[${g}].statements[${s}]: ${(error as Error).message}`);
      }
    });
  });
  const aggregations = parsed.filter((p) => p.statement.editor === 'aggregate_on_attributes');
  const resourceKeeps = parsed.filter((p) => p.context === 'resource' && p.statement.editor === 'keep_keys');
  const names = new Set<string>();
  let everyMetric = false;
  for (const { statement } of aggregations) {
    const named = statement.where ? metricNames(statement.where) : undefined;
    if (named === undefined) everyMetric = true;
    else named.forEach((n) => names.add(n));
  }
  const first = aggregations[0]?.statement;
  const fn = first ? stringArg(first.args[0]?.value) : undefined;
  const kept = first ? stringList(first.args[1]?.value) : undefined;
  const effects: ComponentEffects = {
    aggregates: aggregations.length > 0,
    stateful: false,
    opaque: true,
    metrics: aggregations.length > 0 && !everyMetric ? [...names] : undefined,
    keptAttributes: kept,
    keptResourceAttributes: resourceKeeps.length > 0 ? stringList(resourceKeeps[0].statement.args[1]?.value) : undefined,
    aggregation:
      aggregations.length > 0 ? { sums: (fn as AggregationFunction) ?? 'sum', histograms: 'sum', gauges: undefined, mayTouchCounters: true } : undefined,
  };
  return { effects, problems };
}

/** Like `analyseTransform`, for the `Processor.transform` factory: throws on any problem. */
export function transformEffects(factory: string, groups: readonly StatementGroup[]): ComponentEffects {
  const { effects, problems } = analyseTransform(groups, factory);
  if (problems.length > 0) throw new CollectorConfigError(problems);
  return effects;
}

/** The metric names a `where` clause restricts to, or `undefined` when it does not restrict by name. */
export function metricNames(condition: OttlCondition): string[] | undefined {
  switch (condition.kind) {
    case 'compare':
      if (condition.op === '==' && isNamePath(condition.left) && condition.right.kind === 'string') return [condition.right.value];
      return undefined;
    case 'or': {
      const all: string[] = [];
      for (const operand of condition.operands) {
        const names = metricNames(operand);
        if (names === undefined) return undefined;
        all.push(...names);
      }
      return all;
    }
    case 'and': {
      for (const operand of condition.operands) {
        const names = metricNames(operand);
        if (names !== undefined) return names;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function isNamePath(value: OttlValue | undefined): boolean {
  return isPath(value, 'name') || isPath(value, 'metric.name');
}

function stringArg(value: OttlValue | undefined): string | undefined {
  return value?.kind === 'string' ? value.value : undefined;
}

function stringList(value: OttlValue | undefined): string[] | undefined {
  if (value?.kind !== 'list') return undefined;
  return value.items.flatMap((item) => (item.kind === 'string' ? [item.value] : []));
}

/**
 * Reads what an imported filter processor drops, when its `metrics.metric` conditions are in
 * the forms Phoenix emits (`name == "x"`, `IsMatch(name, "re")`, `name != "a" and name != "b"`).
 * Anything else (data-point or resource conditions, other expressions) leaves it opaque.
 */
export function analyseFilter(raw: Record<string, unknown>): ComponentEffects {
  const opaque: ComponentEffects = { aggregates: false, stateful: false, opaque: true };
  const metrics = raw.metrics as Record<string, unknown> | undefined;
  const otherKeys = Object.keys(raw).filter((k) => k !== 'error_mode' && k !== 'metrics');
  if (!metrics || typeof metrics !== 'object' || otherKeys.length > 0) return opaque;
  if (Object.keys(metrics).some((k) => k !== 'metric') || !Array.isArray(metrics.metric)) return opaque;
  const names: string[] = [];
  const regexes: string[] = [];
  let keepOnly: string[] | undefined;
  for (const text of metrics.metric) {
    let condition: OttlCondition;
    try {
      condition = parseOttlCondition(String(text));
    } catch {
      return opaque;
    }
    if (condition.kind === 'compare' && condition.op === '==' && isNamePath(condition.left) && condition.right.kind === 'string') {
      names.push(condition.right.value);
    } else if (
      condition.kind === 'value' &&
      condition.value.kind === 'call' &&
      condition.value.name === 'IsMatch' &&
      isNamePath(condition.value.args[0]?.value) &&
      condition.value.args[1]?.value.kind === 'string'
    ) {
      regexes.push((condition.value.args[1].value as { value: string }).value);
    } else if (keepOnly === undefined && notEqualNames(condition)) {
      keepOnly = notEqualNames(condition);
    } else {
      return opaque;
    }
  }
  return { aggregates: false, stateful: false, opaque: false, droppedMetrics: { names, regexes, keepOnly } };
}

function notEqualNames(condition: OttlCondition): string[] | undefined {
  const parts = condition.kind === 'and' ? condition.operands : [condition];
  const names: string[] = [];
  for (const part of parts) {
    if (part.kind !== 'compare' || part.op !== '!=' || !isNamePath(part.left) || part.right.kind !== 'string') return undefined;
    names.push(part.right.value);
  }
  return names;
}
