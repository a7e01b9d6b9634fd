import type { Expr } from './ast';
import { parsePromQL, type PromQLProblemKind } from './parse';
import type { FoundQuery, SourceProblem } from './sources/found-query';
import { extractUsage, type QueryUsage } from './usage';

/** A query that parsed, with its usage model. */
export interface AnalyzedQuery {
  readonly query: FoundQuery;
  readonly expr: Expr;
  readonly usage: QueryUsage;
}

/** A query that cannot be used, at its position in its file. */
export interface QueryProblem extends SourceProblem {
  readonly kind: PromQLProblemKind;
  readonly query: FoundQuery;
}

/** The outcome of {@link analyzeQueries}: every query is in exactly one of the two lists. */
export interface QueryAnalysis {
  readonly analyzed: readonly AnalyzedQuery[];
  readonly problems: readonly QueryProblem[];
}

/**
 * Parses every found query and extracts its usage. A query that does not parse (or needs a
 * newer Prometheus) is reported with its file, line and column — the position of the problem
 * inside the expression, mapped through the file's quoting and indentation — never skipped.
 */
export function analyzeQueries(found: Iterable<FoundQuery>): QueryAnalysis {
  const analyzed: AnalyzedQuery[] = [];
  const problems: QueryProblem[] = [];
  for (const query of found) {
    const parsed = parsePromQL(query.expr);
    if (parsed.ok) {
      analyzed.push({ query, expr: parsed.expr, usage: extractUsage(parsed.expr) });
      continue;
    }
    for (const problem of parsed.problems) {
      problems.push({ ...query.locate(problem.span.from), file: query.origin.file, kind: problem.kind, message: problem.message, query });
    }
  }
  return { analyzed, problems };
}

/** `file:line:column: message (alert HighErrorRate)`, the form every report uses. */
export function formatQueryProblem(problem: QueryProblem | SourceProblem): string {
  const base = `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`;
  if (!('query' in problem)) return base;
  const name = problem.query.origin.name;
  return name ? `${base} (in ${JSON.stringify(name)})` : base;
}
