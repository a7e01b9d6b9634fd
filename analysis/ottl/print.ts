import type { OttlArgument, OttlCondition, OttlStatement, OttlValue } from './grammar';

/**
 * The OTTL printer: trees of `grammar.ts` back to text (`parse(print(tree))` is the same tree),
 * and the builders for the OTTL text Phoenix emits. Every statement and condition built here is
 * in the forms `grammar.ts` parses, and the tests check that it does.
 */

/** An OTTL value as text. */
export function printOttlValue(value: OttlValue): string {
  switch (value.kind) {
    case 'string':
      return ottlString(value.value);
    case 'number':
      return String(value.value);
    case 'bool':
      return String(value.value);
    case 'nil':
      return 'nil';
    case 'enum':
      return value.name;
    case 'path':
      return value.segments.join('.') + value.keys.map((k) => `[${ottlString(k)}]`).join('');
    case 'call':
      return `${value.name}(${printArguments(value.args)})`;
    case 'list':
      return `[${value.items.map(printOttlValue).join(', ')}]`;
  }
}

/** An OTTL condition as text; nested `and` / `or` and negated comparisons are parenthesised. */
export function printOttlCondition(condition: OttlCondition): string {
  switch (condition.kind) {
    case 'or':
    case 'and':
      return condition.operands.map(grouped).join(` ${condition.kind} `);
    case 'not': {
      const operand = condition.operand;
      return operand.kind === 'value' || operand.kind === 'not' ? `not ${printOttlCondition(operand)}` : `not (${printOttlCondition(operand)})`;
    }
    case 'compare':
      return `${printOttlValue(condition.left)} ${condition.op} ${printOttlValue(condition.right)}`;
    case 'value':
      return printOttlValue(condition.value);
  }
}

/** An OTTL statement as text: `editor(args) where condition`. */
export function printOttlStatement(statement: OttlStatement): string {
  const call = `${statement.editor}(${printArguments(statement.args)})`;
  return statement.where ? `${call} where ${printOttlCondition(statement.where)}` : call;
}

function printArguments(args: readonly OttlArgument[]): string {
  return args.map((a) => (a.name === undefined ? '' : `${a.name} = `) + printOttlValue(a.value)).join(', ');
}

function grouped(condition: OttlCondition): string {
  const text = printOttlCondition(condition);
  return condition.kind === 'and' || condition.kind === 'or' ? `(${text})` : text;
}

/** An OTTL string literal: double quotes, with `\` and `"` escaped. */
export function ottlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** An OTTL list of string literals: `["a", "b"]`. */
export function ottlStringList(values: readonly string[]): string {
  return `[${values.map(ottlString).join(', ')}]`;
}

/**
 * A condition true for the listed metric names: `name == "a"` or
 * `(name == "a" or name == "b")`. `path` is `name` in the metric context and
 * `metric.name` in the datapoint context.
 */
export function nameIn(names: readonly string[], path: 'name' | 'metric.name'): string {
  const parts = names.map((n) => `${path} == ${ottlString(n)}`);
  return parts.length === 1 ? parts[0] : `(${parts.join(' or ')})`;
}

/** OTTL enum names of the metric types. */
export const METRIC_TYPE_ENUM = {
  gauge: 'METRIC_DATA_TYPE_GAUGE',
  sum: 'METRIC_DATA_TYPE_SUM',
  histogram: 'METRIC_DATA_TYPE_HISTOGRAM',
  exponentialHistogram: 'METRIC_DATA_TYPE_EXPONENTIAL_HISTOGRAM',
  summary: 'METRIC_DATA_TYPE_SUMMARY',
} as const;

/** A condition true for the listed metric types: `(type == A or type == B)`. */
export function typeIn(types: readonly (keyof typeof METRIC_TYPE_ENUM)[], path: 'type' | 'metric.type'): string {
  const parts = types.map((t) => `${path} == ${METRIC_TYPE_ENUM[t]}`);
  return parts.length === 1 ? parts[0] : `(${parts.join(' or ')})`;
}
