import type { FoundQuery } from './found-query';

/**
 * A query given inline (a guardrail in an experiment), placed at `line`:`column` of `file`.
 * Offsets inside a multi-line expression advance lines as the text does.
 */
export function inlineQuery(expr: string, origin: { file: string; line: number; column: number; name?: string }): FoundQuery {
  const locate = (offset: number) => {
    const before = expr.slice(0, Math.max(0, Math.min(offset, expr.length)));
    const newline = before.lastIndexOf('\n');
    if (newline < 0) return { line: origin.line, column: origin.column + before.length };
    return { line: origin.line + before.split('\n').length - 1, column: before.length - newline };
  };
  const first = Math.max(0, expr.search(/\S/));
  return {
    expr,
    original: expr,
    origin: { file: origin.file, ...locate(first), source: 'inline', ...(origin.name ? { name: origin.name } : {}) },
    variables: [],
    locate,
  };
}
