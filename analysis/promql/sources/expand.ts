/** Grafana's built-in interval macros and template variables → PromQL Prometheus can parse. */

/** Values for Grafana's macros; queries are analysed, not run, so any valid value will do. */
export interface GrafanaExpansionOptions {
  /** `$__rate_interval`: Grafana uses max(4 × scrape interval, $__interval + scrape interval). @default '4m' */
  readonly rateInterval?: string;
  /** `$__interval`. @default '1m' */
  readonly interval?: string;
  /** `$__range` (and `$__range_s`, `$__range_ms` derived from it, in seconds). @default '1h' */
  readonly range?: string;
  /** `$__range` in seconds, for `$__range_s` / `$__range_ms`. @default 3600 */
  readonly rangeSeconds?: number;
  /**
   * The dashboard's value of a single-valued `custom`, `constant` or `textbox` variable, used where the
   * variable stands for PromQL itself (`topk($k, …)`, `a $op b`), not inside a string or a range:
   * a placeholder name there would be a vector where Prometheus expects a number or an operator.
   */
  readonly values?: ReadonlyMap<string, string>;
}

/** The text with variables replaced and a way back to the original offsets. */
export interface ExpandedQuery {
  readonly text: string;
  /** Template variables (not macros) that were replaced. */
  readonly variables: readonly string[];
  /** Maps an offset in `text` to the offset in the original expression. */
  originalOffset(offset: number): number;
}

/** The placeholder a template variable becomes: safe as a label value, regex, name or label name. */
export function variablePlaceholder(name: string): string {
  return `phoenix_var_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

const VARIABLE = /\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]|\$([A-Za-z0-9_]+)/g;

/**
 * Expands `$__rate_interval`, `$__interval`, `$__interval_ms`, `$__range`, `$__range_s`,
 * `$__range_ms` and template variables (`$var`, `${var}`, `${var:format}`, `[[var]]`). A variable
 * inside a string becomes a placeholder word (so `job=~"$job"` keeps reading `job`), inside a
 * range `[…]` a duration, elsewhere its value from `options.values` or an identifier.
 */
export function expandGrafanaQuery(expr: string, options: GrafanaExpansionOptions = {}): ExpandedQuery {
  const rangeSeconds = options.rangeSeconds ?? 3600;
  const macros: Record<string, string> = {
    __rate_interval: options.rateInterval ?? '4m',
    __interval: options.interval ?? '1m',
    __interval_ms: '60000',
    __range: options.range ?? '1h',
    __range_s: String(rangeSeconds),
    __range_ms: String(rangeSeconds * 1000),
  };
  const segments: Array<{ outFrom: number; outTo: number; inFrom: number; inTo: number }> = [];
  const variables = new Set<string>();
  let out = '';
  let last = 0;
  for (const match of expr.matchAll(VARIABLE)) {
    const name = match[1] ?? match[2] ?? match[3]!;
    const at = match.index!;
    const context = contextAt(expr, at);
    let replacement: string;
    if (name in macros) replacement = macros[name]!;
    else {
      variables.add(name);
      const value = context === 'code' ? options.values?.get(name) : undefined;
      replacement = context === 'range' ? macros.__interval! : (value ?? variablePlaceholder(name));
    }
    out += expr.slice(last, at);
    segments.push({ outFrom: out.length, outTo: out.length + replacement.length, inFrom: at, inTo: at + match[0].length });
    out += replacement;
    last = at + match[0].length;
  }
  out += expr.slice(last);
  return {
    text: out,
    variables: [...variables],
    originalOffset(offset: number): number {
      let shift = 0;
      for (const s of segments) {
        if (offset < s.outFrom) break;
        if (offset < s.outTo) return s.inFrom;
        shift = s.inTo - s.outTo;
      }
      return offset + shift;
    },
  };
}

/** Whether an offset sits inside a string literal, inside `[…]`, or elsewhere. */
function contextAt(expr: string, at: number): 'string' | 'range' | 'code' {
  let quote: string | undefined;
  let bracket = 0;
  for (let i = 0; i < at; i++) {
    const c = expr[i]!;
    if (quote) {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '[') bracket++;
    else if (c === ']') bracket = Math.max(0, bracket - 1);
  }
  return quote ? 'string' : bracket > 0 ? 'range' : 'code';
}
