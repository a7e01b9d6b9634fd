import { parser } from '@prometheus-io/lezer-promql';

/** A PromQL syntax error: 1-based line and column within the query, and what was found there. */
export interface PromqlSyntaxError {
  readonly line: number;
  readonly column: number;
  readonly near: string;
}

/**
 * Checks that `expr` parses as PromQL (syntax only, with Prometheus's own Lezer grammar).
 * Deeper analysis (selectors, label usage) lives in the analysis layer.
 * @returns the first syntax error, or undefined when the query parses
 */
export function findPromqlSyntaxError(expr: string): PromqlSyntaxError | undefined {
  // Each experiment is built once per environment: parse each distinct query once.
  if (checked.has(expr)) return checked.get(expr);
  const error = syntaxErrorOf(expr);
  if (checked.size >= 10_000) checked.clear();
  checked.set(expr, error && Object.freeze(error));
  return error;
}

const checked = new Map<string, PromqlSyntaxError | undefined>();

function syntaxErrorOf(expr: string): PromqlSyntaxError | undefined {
  if (expr.trim() === '') return { line: 1, column: 1, near: '(empty query)' };
  let offset: number | undefined;
  parser.parse(expr).iterate({
    enter(node) {
      if (offset === undefined && node.type.isError) offset = node.from;
      return offset === undefined;
    },
  });
  if (offset === undefined) return undefined;
  // An error at the end (a missing bracket) is reported after the last character, not on a trailing newline.
  offset = Math.min(offset, expr.trimEnd().length);
  const before = expr.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const near = expr.slice(offset, offset + 20).split('\n')[0] || '(end of query)';
  return { line, column, near };
}

/**
 * Replaces Grafana template variables so a dashboard query can be syntax-checked:
 * interval variables (`$__rate_interval`, `${__interval}`) become `5m`, others a plain identifier.
 */
export function withoutGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$\{__\w+(?::\w+)?\}|\$__\w+/g, '5m')
    .replace(/\$\{\w+(?::\w+)?\}|\$\w+|\[\[\w+(?::\w+)?\]\]/g, 'grafana_variable');
}
