import { findDashboardQueries, findRuleQueries, type FoundQueries, type FoundQuery } from '../../analysis/promql';
import { findPromqlSyntaxError } from './promql-syntax';

/** A guardrail query found in a file or given inline, with where it came from. */
export interface SourcedQuery {
  readonly name: string;
  readonly expr: string;
  /** `inline`, or `file:line` (rule files) / `file: panel 'title' target A` (dashboards). */
  readonly source: string;
}

/** Result of reading a guardrail source: its queries and one message per problem. */
export interface SourceReadResult {
  readonly queries: SourcedQuery[];
  readonly problems: string[];
}

/**
 * The `expr` of every recording and alerting rule in a Prometheus rule file or `PrometheusRule`
 * object, read by the one PromQL source reader (`analysis/promql/sources`), each checked for
 * PromQL; problems name `file:line:column`.
 */
export function queriesFromRuleFile(text: string, file: string): SourceReadResult {
  return sourced(findRuleQueries(file, text), file, (query) => ({
    name: query.origin.name ?? 'rule',
    source: `${file}:${query.origin.line}`,
    what: `rule '${query.origin.name ?? '(unnamed)'}'`,
  }));
}

/**
 * The Prometheus `expr` of every panel target in a Grafana dashboard (rows included), with
 * Grafana's macros and variables expanded by the one PromQL source reader (so `$__rate_interval`
 * means the same everywhere); problems name `file:line:column` and the panel and target.
 */
export function queriesFromDashboard(text: string, file: string): SourceReadResult {
  return sourced(findDashboardQueries(file, text), file, (query) => {
    const where = `panel '${query.origin.name ?? '?'}' target ${query.origin.refId ?? '?'}`;
    return { name: `${query.origin.name ?? 'panel'} ${query.origin.refId ?? ''}`.trim(), source: `${file}: ${where}`, what: where };
  });
}

function sourced(found: FoundQueries, file: string, describe: (query: FoundQuery) => { name: string; source: string; what: string }): SourceReadResult {
  const problems = found.problems.map((problem) => `${file}:${problem.line}:${problem.column}: ${problem.message}`);
  const queries: SourcedQuery[] = [];
  for (const query of found.queries) {
    const { name, source, what } = describe(query);
    queries.push({ name, expr: query.expr, source });
    const error = findPromqlSyntaxError(query.expr);
    if (error) {
      const at = query.locate(error.offset);
      problems.push(`${file}:${at.line}:${at.column}: ${what}: PromQL error near '${error.near}': ${error.message}`);
    }
  }
  return { queries, problems };
}
