import { existsSync, readFileSync } from 'node:fs';
import { queriesFromDashboard, queriesFromRuleFile, type SourcedQuery, type SourceReadResult } from './guardrail-sources';
import { findPromqlSyntaxError } from './promql-syntax';

/** A PromQL query that must keep returning the same answer, written as it runs in production. */
export interface GuardrailQuery {
  /** Short name shown in verdicts and pull requests. */
  readonly name: string;
  /** The query, with production metric names; Phoenix injects the experiment and variant matchers. */
  readonly expr: string;
  /** A hard guardrail's failures count towards `promotion.failureLimit` (roll back); a soft one only blocks promotion. @default true */
  readonly hard?: boolean;
  /** Largest relative difference from the baseline's answer still counted as the same, percent. @default 1 */
  readonly tolerancePercent?: number;
}

/** Limits on the collector's own health while the experiment runs (from its internal telemetry). */
export interface CollectorHealthLimits {
  /** Points refused by receivers, per second. @default 0 */
  readonly maxRefusedPointsPerSecond?: number;
  /** Points dropped by processors, per second. @default 0 */
  readonly maxDroppedPointsPerSecond?: number;
  /** Points exporters failed to send, per second. @default 0 */
  readonly maxExporterFailuresPerSecond?: number;
  /** Collector memory as a share of its limit, percent. @default 80 */
  readonly maxMemoryPercent?: number;
}

/** What must not break, and what the change must be worth. */
export interface GuardrailProps {
  /** Inline queries. @default - none */
  readonly queries?: readonly GuardrailQuery[];
  /** Prometheus rule files (repo-relative paths); every rule's `expr` becomes a guardrail. @default - none */
  readonly ruleFiles?: readonly string[];
  /** Grafana dashboard JSON files (repo-relative paths); every panel query becomes a guardrail. @default - none */
  readonly dashboards?: readonly string[];
  /** Collector health limits. @default - every limit at its default */
  readonly collectorHealth?: CollectorHealthLimits;
  /** Smallest saving worth a change, percent of the baseline's cost. @default 10 */
  readonly minSavingsPercent?: number;
}

/** A guardrail query as data: every field resolved. */
export interface ResolvedGuardrailQuery {
  readonly name: string;
  readonly expr: string;
  readonly source: string;
  readonly hard: boolean;
  readonly tolerancePercent: number;
}

/** The guardrails as plain data (what the watcher evaluates). */
export interface ResolvedGuardrails {
  readonly queries: readonly ResolvedGuardrailQuery[];
  readonly ruleFiles: readonly string[];
  readonly dashboards: readonly string[];
  readonly collectorHealth: Required<CollectorHealthLimits>;
  readonly minSavingsPercent: number;
}

/**
 * Resolves guardrail props: checks every inline query's PromQL syntax, reads the rule files and
 * dashboards (paths relative to `baseDirectory`) and checks theirs. Returns the data and one
 * message per problem.
 */
export function resolveGuardrails(props: GuardrailProps, baseDirectory: string): { guardrails: ResolvedGuardrails; problems: string[] } {
  const problems: string[] = [];
  const sourced: SourcedQuery[] = [];
  const seen = new Set<string>();
  for (const [index, query] of (props.queries ?? []).entries()) {
    const where = `guardrails.queries[${index}]`;
    if (!query.name || query.name.trim() === '') problems.push(`${where}: 'name' is empty: give every guardrail a short name`);
    else if (seen.has(query.name)) problems.push(`${where}: the name '${query.name}' is used twice`);
    seen.add(query.name);
    const error = findPromqlSyntaxError(query.expr ?? '');
    if (error) problems.push(`${where} '${query.name}': PromQL syntax error at ${error.line}:${error.column} near '${error.near}' in: ${query.expr}`);
    if (query.tolerancePercent !== undefined && !(query.tolerancePercent >= 0 && query.tolerancePercent <= 100)) {
      problems.push(`${where} '${query.name}': 'tolerancePercent' (${query.tolerancePercent}) must be between 0 and 100`);
    }
    sourced.push({ name: query.name, expr: query.expr, source: 'inline' });
  }
  for (const [field, read] of [
    ['ruleFiles', queriesFromRuleFile],
    ['dashboards', queriesFromDashboard],
  ] as const) {
    for (const file of props[field] ?? []) {
      const path = file.startsWith('/') ? file : `${baseDirectory}/${file}`;
      if (!existsSync(path)) {
        problems.push(`guardrails.${field}: '${file}' does not exist (paths are relative to ${baseDirectory})`);
        continue;
      }
      const result = readOnce(field, read, readFileSync(path, 'utf8'), file);
      sourced.push(...result.queries);
      problems.push(...result.problems);
    }
  }
  if (sourced.length === 0) {
    problems.push(
      "'guardrails' holds no query: give at least one inline query, rule file or dashboard, so the experiment can tell whether a candidate breaks anything",
    );
  }
  const health = props.collectorHealth ?? {};
  const collectorHealth = {
    maxRefusedPointsPerSecond: health.maxRefusedPointsPerSecond ?? 0,
    maxDroppedPointsPerSecond: health.maxDroppedPointsPerSecond ?? 0,
    maxExporterFailuresPerSecond: health.maxExporterFailuresPerSecond ?? 0,
    maxMemoryPercent: health.maxMemoryPercent ?? 80,
  };
  for (const [key, value] of Object.entries(collectorHealth)) {
    if (!(value >= 0) || (key === 'maxMemoryPercent' && value > 100))
      problems.push(`guardrails.collectorHealth.${key} (${value}) must be ${key === 'maxMemoryPercent' ? 'between 0 and 100' : 'at least 0'}`);
  }
  const minSavingsPercent = props.minSavingsPercent ?? 10;
  if (!(minSavingsPercent >= 0 && minSavingsPercent <= 100)) problems.push(`guardrails.minSavingsPercent (${minSavingsPercent}) must be between 0 and 100`);
  const byName = new Map((props.queries ?? []).map((query) => [query.name, query]));
  const queries = sourced.map((query) => {
    const inline = query.source === 'inline' ? byName.get(query.name) : undefined;
    return { ...query, hard: inline?.hard ?? true, tolerancePercent: inline?.tolerancePercent ?? 1 };
  });
  return {
    guardrails: { queries, ruleFiles: [...(props.ruleFiles ?? [])], dashboards: [...(props.dashboards ?? [])], collectorHealth, minSavingsPercent },
    problems,
  };
}

/** Rule files and dashboards read per (kind, file name) while their text stays the same: an experiment is built once per environment. */
const sourcesRead = new Map<string, { text: string; result: SourceReadResult }>();

function readOnce(field: string, read: (text: string, file: string) => SourceReadResult, text: string, file: string): SourceReadResult {
  const key = `${field}\u0000${file}`;
  let entry = sourcesRead.get(key);
  if (!entry || entry.text !== text) {
    if (sourcesRead.size >= 256) sourcesRead.clear();
    sourcesRead.set(key, (entry = { text, result: read(text, file) }));
  }
  return entry.result;
}
