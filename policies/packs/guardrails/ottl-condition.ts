/**
 * A small three-valued evaluator for the OTTL conditions that select metrics in `where`
 * clauses and filter processors: `name`/`metric.name`, `type`/`metric.type`, `==`, `!=`,
 * `IsMatch(name, "re")`, `not`, `and`, `or`, parentheses, `true`/`false`. Anything else (data-point
 * attributes, other functions) evaluates to `undefined`: not known from the metric alone.
 */

/** What is known of a metric when a condition is evaluated. */
export interface MetricFacts {
  /** The OpenTelemetry metric name. */
  readonly name: string;
  /** OTTL enum: `METRIC_DATA_TYPE_SUM`, `…_GAUGE`, `…_HISTOGRAM`, `…_EXPONENTIAL_HISTOGRAM`, `…_SUMMARY`. */
  readonly type: string;
}

/** true, false, or unknown. */
export type Truth = boolean | undefined;

type Token = { kind: 'str' | 'id' | 'op' | 'punct'; text: string };

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  const re = /\s*(?:("(?:[^"\\]|\\.)*")|(==|!=|>=|<=|>|<)|([(),[\]])|([A-Za-z_][A-Za-z0-9_.]*(?:\["(?:[^"\\]|\\.)*"\])*)|(-?\d+(?:\.\d+)?))/y;
  let i = 0;
  while (i < text.length) {
    if (/^\s*$/.test(text.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) return undefined;
    i = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'str', text: JSON.parse(m[1]) as string });
    else if (m[2]) tokens.push({ kind: 'op', text: m[2] });
    else if (m[3]) tokens.push({ kind: 'punct', text: m[3] });
    else if (m[4]) tokens.push({ kind: 'id', text: m[4] });
    else tokens.push({ kind: 'id', text: m[5]! });
  }
  return tokens;
}

type Value = { kind: 'str'; value: string } | { kind: 'bool'; value: Truth } | { kind: 'unknown' };

/**
 * Evaluates an OTTL condition for a metric. Returns `undefined` when the condition depends on
 * more than the metric's name and type, or does not parse under this small grammar.
 */
export function evaluateCondition(condition: string, metric: MetricFacts): Truth {
  const tokens = tokenize(condition);
  if (!tokens) return undefined;
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const take = (): Token | undefined => tokens[pos++];
  const isWord = (word: string): boolean => peek()?.kind === 'id' && peek()!.text === word;

  const primary = (): Value => {
    const t = take();
    if (!t) return { kind: 'unknown' };
    if (t.kind === 'str') return { kind: 'str', value: t.text };
    if (t.kind === 'punct' && t.text === '(') {
      const inner = or();
      if (peek()?.text === ')') take();
      return { kind: 'bool', value: inner };
    }
    if (t.kind === 'id') {
      if (t.text === 'true' || t.text === 'false') return { kind: 'bool', value: t.text === 'true' };
      if (t.text === 'name' || t.text === 'metric.name') return { kind: 'str', value: metric.name };
      if (t.text === 'type' || t.text === 'metric.type') return { kind: 'str', value: metric.type };
      if (t.text.startsWith('METRIC_DATA_TYPE_')) return { kind: 'str', value: t.text };
      if (peek()?.text === '(') {
        take();
        const args: Value[] = [];
        while (peek() && peek()!.text !== ')') {
          args.push(comparison());
          if (peek()?.text === ',') take();
        }
        take();
        if (t.text === 'IsMatch' && args.length === 2 && args[0]!.kind === 'str' && args[1]!.kind === 'str') {
          try {
            return { kind: 'bool', value: new RegExp(args[1].value.replace(/\(\?P</g, '(?<')).test(args[0].value) };
          } catch {
            return { kind: 'unknown' };
          }
        }
        return { kind: 'unknown' };
      }
    }
    return { kind: 'unknown' };
  };

  const comparison = (): Value => {
    const left = primary();
    const op = peek();
    if (op?.kind !== 'op') return left;
    take();
    const right = primary();
    if (left.kind !== 'str' || right.kind !== 'str') return { kind: 'unknown' };
    if (op.text === '==') return { kind: 'bool', value: left.value === right.value };
    if (op.text === '!=') return { kind: 'bool', value: left.value !== right.value };
    return { kind: 'unknown' };
  };

  const truth = (v: Value): Truth => (v.kind === 'bool' ? v.value : undefined);

  const not = (): Truth => {
    if (isWord('not')) {
      take();
      const v = not();
      return v === undefined ? undefined : !v;
    }
    return truth(comparison());
  };

  const and = (): Truth => {
    let v = not();
    while (isWord('and')) {
      take();
      const r = not();
      v = v === false || r === false ? false : v === undefined || r === undefined ? undefined : true;
    }
    return v;
  };

  function or(): Truth {
    let v = and();
    while (isWord('or')) {
      take();
      const r = and();
      v = v === true || r === true ? true : v === undefined || r === undefined ? undefined : false;
    }
    return v;
  }

  const result = or();
  return pos >= tokens.length ? result : undefined;
}

/** Splits `editor(args) where condition` into its parts. */
export function splitStatement(statement: string): { editor: string; args: string; condition?: string } | undefined {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(statement);
  if (!m) return undefined;
  let depth = 0;
  let quote = false;
  for (let i = m[0].length - 1; i < statement.length; i++) {
    const c = statement[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
    } else if (c === '"') quote = true;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') {
      depth--;
      if (depth === 0) {
        const rest = statement.slice(i + 1).trim();
        const where = /^where\s+([\s\S]+)$/.exec(rest);
        if (rest !== '' && !where) return undefined;
        return { editor: m[1]!, args: statement.slice(m[0].length, i), ...(where ? { condition: where[1]! } : {}) };
      }
    }
  }
  return undefined;
}

/** The string literals of an OTTL argument list, in order (`"sum", ["a", "b"]` → sum, a, b). */
export function stringLiterals(args: string): string[] {
  return [...args.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
}
