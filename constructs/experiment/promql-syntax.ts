import { parsePromQL } from '../../analysis/promql';

/** A PromQL problem: 1-based line and column within the query, what was found there, and why. */
export interface PromqlSyntaxError {
  readonly line: number;
  readonly column: number;
  readonly near: string;
  readonly message: string;
  /** 0-based offset of the problem in the query. */
  readonly offset: number;
}

/**
 * Checks `expr` with the analysis layer's PromQL parser (Prometheus 2.42's language: syntax, newer
 * syntax, parse-time type rules). @returns the first problem, or undefined when the query parses
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
  if (expr.trim() === '') return { line: 1, column: 1, near: '(empty query)', message: 'empty query', offset: 0 };
  const parsed = parsePromQL(expr);
  if (parsed.ok) return undefined;
  const problem = parsed.problems[0]!;
  // An error at the end (a missing bracket) is reported after the last character, not on a trailing newline.
  const offset = Math.min(problem.span.from, expr.trimEnd().length);
  const before = expr.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const near = expr.slice(offset, offset + 20).split('\n')[0] || '(end of query)';
  return { line, column, near, message: problem.message, offset };
}
