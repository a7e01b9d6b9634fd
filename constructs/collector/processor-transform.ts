import type { AggregationFunction, ComponentEffects } from './effects';
import { CollectorConfigError } from './errors';
import { parseOttlStatement, type OttlCondition, type OttlStatement, type OttlValue } from './ottl/grammar';

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
      aggregations.length > 0
        ? { sums: (fn as AggregationFunction) ?? 'sum', histograms: 'sum', gauges: undefined, mayTouchCounters: true }
        : undefined,
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

function isNamePath(value: OttlValue): boolean {
  if (value.kind !== 'path' || value.keys.length > 0) return false;
  const path = value.segments.join('.');
  return path === 'name' || path === 'metric.name';
}

function stringArg(value: OttlValue | undefined): string | undefined {
  return value?.kind === 'string' ? value.value : undefined;
}

function stringList(value: OttlValue | undefined): string[] | undefined {
  if (value?.kind !== 'list') return undefined;
  return value.items.flatMap((item) => (item.kind === 'string' ? [item.value] : []));
}
