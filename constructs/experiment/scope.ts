/**
 * The metrics an experiment changes, as the collector's processors see them (OpenTelemetry
 * names for OTLP input; the scraped name for Prometheus targets). A string is an exact name;
 * a RegExp is an RE2 pattern that must match the whole name.
 */
export type ScopeMatcher = string | RegExp;

/** A scope as plain data: exact names and whole-name RE2 patterns. */
export interface MetricScope {
  readonly names: readonly string[];
  readonly patterns: readonly string[];
}

/** Perl features Go's RE2 does not support: lookaround and back-references. */
const NOT_RE2 = /\(\?[=!]|\(\?<[=!]|\\[1-9]/;

/**
 * Normalises and checks a scope: at least one entry, no duplicates, patterns RE2-compatible
 * and without JavaScript flags. Returns one problem per bad entry (empty when fine).
 */
export function normaliseScope(entries: readonly ScopeMatcher[]): { scope: MetricScope; problems: string[] } {
  const names: string[] = [];
  const patterns: string[] = [];
  const problems: string[] = [];
  if (entries.length === 0) problems.push("'scope' is empty: list the metrics the experiment changes (names or RegExp patterns)");
  for (const entry of entries) {
    if (typeof entry === 'string') {
      if (entry.trim() === '') problems.push("'scope' holds an empty metric name");
      else if (names.includes(entry)) problems.push(`'scope' lists '${entry}' twice`);
      else names.push(entry);
      continue;
    }
    if (entry.flags !== '') {
      problems.push(
        `'scope' pattern /${entry.source}/${entry.flags}: flags are not supported by the collector's RE2; write (?i) inside the pattern instead of /i`,
      );
    } else if (NOT_RE2.test(entry.source)) {
      problems.push(`'scope' pattern /${entry.source}/ uses lookaround or a back-reference, which the collector's RE2 does not support`);
    } else if (patterns.includes(entry.source)) {
      problems.push(`'scope' lists /${entry.source}/ twice`);
    } else {
      patterns.push(entry.source);
    }
  }
  return { scope: { names, patterns }, problems };
}

/** True when `metric` is in the scope (exact name, or a pattern matching the whole name). */
export function scopeMatches(scope: MetricScope, metric: string): boolean {
  return scope.names.includes(metric) || scope.patterns.some((pattern) => new RegExp(`^(?:${pattern})$`).test(metric));
}

/** Scope entries that match none of `knownMetrics`, written as in the props (`name` or `/pattern/`). */
export function unmatchedScopeEntries(scope: MetricScope, knownMetrics: readonly string[]): string[] {
  const unmatched = scope.names.filter((name) => !knownMetrics.includes(name));
  for (const pattern of scope.patterns) {
    const regex = new RegExp(`^(?:${pattern})$`);
    if (!knownMetrics.some((metric) => regex.test(metric))) unmatched.push(`/${pattern}/`);
  }
  return unmatched;
}

/** An OTTL string literal. */
export function ottlString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** OTTL condition true for metrics outside the scope (what the shadow filter drops). */
export function outOfScopeCondition(scope: MetricScope): string {
  const terms = [
    ...scope.names.map((name) => `name == ${ottlString(name)}`),
    ...scope.patterns.map((pattern) => `IsMatch(name, ${ottlString(`^(?:${pattern})$`)})`),
  ];
  return `not (${terms.join(' or ')})`;
}

/** Short human form: `a, b and 2 patterns`. */
export function describeScope(scope: MetricScope): string {
  const parts = [...scope.names, ...scope.patterns.map((pattern) => `/${pattern}/`)];
  return parts.length <= 3 ? parts.join(', ') : `${parts.slice(0, 3).join(', ')} and ${parts.length - 3} more`;
}
