/**
 * Builders for the OTTL text Phoenix emits. Every statement and condition built here is in
 * the forms `ottl/grammar.ts` parses, and the tests check that it does.
 */

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

/** Constructs RE2 (the collector's regex engine) rejects, which JavaScript accepts. */
const NOT_RE2: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /\(\?[=!]/, what: 'lookahead (?= / (?!' },
  { pattern: /\(\?<[=!]/, what: 'lookbehind (?<= / (?<!' },
  { pattern: /\\[1-9]/, what: 'back-references (\\1)' },
  { pattern: /\(\?<[A-Za-z]/, what: "named groups in JavaScript form (?<name>…); RE2 spells them (?P<name>…)" },
];

/**
 * Returns why `regex` is not a valid RE2 expression, or `undefined` when it is (as far as
 * a JavaScript check plus the known RE2 exclusions can tell).
 */
export function re2Problem(regex: string): string | undefined {
  for (const { pattern, what } of NOT_RE2) {
    if (pattern.test(regex)) return `uses ${what}, which the collector's RE2 engine does not support`;
  }
  try {
    new RegExp(regex.replace(/\(\?P</g, '(?<'));
  } catch (error) {
    return `does not compile: ${(error as Error).message}`;
  }
  return undefined;
}
