/** PromQL string literals (Go quoting rules) and RE2-compatible regular expressions. */

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

/** Unquotes a PromQL string literal as Prometheus does; throws with the offending escape. */
export function unquotePromQLString(literal: string): string {
  const quote = literal[0];
  if (literal.length < 2 || literal[literal.length - 1] !== quote) throw new Error('unterminated string literal');
  const body = literal.slice(1, -1);
  if (quote === '`') return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) throw new Error('string literal ends inside an escape sequence');
    if (e in SIMPLE_ESCAPES) {
      if ((e === "'" && quote === '"') || (e === '"' && quote === "'")) throw new Error(`unknown escape sequence \\${e}`);
      out += SIMPLE_ESCAPES[e];
      i += 1;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new Error(`invalid escape sequence \\${e}${hex}`);
      out += String.fromCodePoint(parseInt(hex, 16));
      i += 1 + len;
    } else if (/[0-7]/.test(e)) {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct)) throw new Error(`invalid octal escape sequence \\${oct}`);
      out += String.fromCharCode(parseInt(oct, 8));
      i += 3;
    } else {
      throw new Error(`unknown escape sequence \\${e}`);
    }
  }
  return out;
}

/** Quotes a string as a PromQL double-quoted literal. */
export function quotePromQLString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * Compiles a label-matcher regex the way Prometheus anchors it (`^(?:re)$`). Returns an error
 * message for syntax RE2 rejects (look-around, back-references) or that does not compile.
 */
export function compileMatcherRegex(pattern: string): { regex?: RegExp; error?: string } {
  let compiled = regexCache.get(pattern);
  if (!compiled) {
    if (regexCache.size >= 10_000) regexCache.clear();
    regexCache.set(pattern, (compiled = compileUncached(pattern)));
  }
  return compiled;
}

const regexCache = new Map<string, { regex?: RegExp; error?: string }>();

function compileUncached(pattern: string): { regex?: RegExp; error?: string } {
  if (/\(\?<?[=!]/.test(pattern)) return { error: `look-around assertions are not supported by RE2 in ${JSON.stringify(pattern)}` };
  if (/(^|[^\\])\\[1-9]/.test(pattern)) return { error: `back-references are not supported by RE2 in ${JSON.stringify(pattern)}` };
  let flags = '';
  let source = pattern;
  const inline = /^\(\?([imsU]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    if (inline[1]!.includes('i')) flags += 'i';
    if (inline[1]!.includes('s')) flags += 's';
  }
  // RE2 named groups are written (?P<name>…); JavaScript writes (?<name>…).
  source = source.replace(/\(\?P</g, '(?<');
  // RE2's scoped case-insensitive group (?i:…), which Node 20's RegExp lacks: each letter inside becomes [xX].
  if (source.includes('(?i:')) {
    const expanded = expandCaseInsensitiveGroups(source);
    if (expanded === undefined) return { error: `unsupported flag group in ${JSON.stringify(pattern)}` };
    source = expanded;
  }
  try {
    return { regex: new RegExp(`^(?:${source})$`, flags) };
  } catch (error) {
    return { error: `invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}` };
  }
}

/**
 * Rewrites every `(?i:…)` group as a plain group whose letters match both cases (`[aA]`, and both
 * cases of letters and letter ranges inside character classes). Undefined for a group it cannot
 * rewrite exactly (an unbalanced group, or other scoped flags).
 */
function expandCaseInsensitiveGroups(source: string): string | undefined {
  let out = '';
  let depth = 0; // nesting inside (?i:…) groups, counted in parentheses
  const both = (c: string) => (c.toLowerCase() !== c.toUpperCase() ? `${c.toLowerCase()}${c.toUpperCase()}` : c);
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      out += c + (source[i + 1] ?? '');
      i += 1;
      continue;
    }
    if (source.startsWith('(?i:', i)) {
      out += '(?:';
      i += 3;
      depth += 1;
      continue;
    }
    if (/^\(\?[a-zA-Z]+[:)]/.test(source.slice(i, i + 8)) && depth > 0) return undefined;
    if (depth > 0 && source.startsWith('(?<', i)) {
      const close = source.indexOf('>', i);
      if (close < 0) return undefined;
      out += source.slice(i, close + 1);
      i = close;
      depth += 1;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      let cls = '[';
      if (source[j] === '^') cls += source[j++];
      if (source[j] === ']') cls += source[j++];
      let extra = '';
      for (; j < source.length && source[j] !== ']'; j++) {
        const d = source[j]!;
        if (d === '\\') {
          cls += d + (source[j + 1] ?? '');
          j += 1;
          continue;
        }
        if (d === '[' && source[j + 1] === ':') {
          const close = source.indexOf(':]', j);
          if (close < 0) return undefined;
          cls += source.slice(j, close + 2);
          j = close + 1;
          continue;
        }
        cls += d;
        if (depth === 0) continue;
        if (source[j + 1] === '-' && source[j + 2] !== undefined && source[j + 2] !== ']') {
          const to = source[j + 2]!;
          cls += `-${to}`;
          if (/[a-z]/.test(d) && /[a-z]/.test(to)) extra += `${d.toUpperCase()}-${to.toUpperCase()}`;
          else if (/[A-Z]/.test(d) && /[A-Z]/.test(to)) extra += `${d.toLowerCase()}-${to.toLowerCase()}`;
          j += 2;
          continue;
        }
        if (/[a-zA-Z]/.test(d)) extra += both(d).replace(d, '');
      }
      if (j >= source.length) return undefined;
      out += `${cls}${extra}]`;
      i = j;
      continue;
    }
    if (depth > 0 && c === '(') depth += 1;
    if (depth > 0 && c === ')') depth -= 1;
    out += depth > 0 && /[a-zA-Z]/.test(c) ? `[${both(c)}]` : c;
  }
  return depth === 0 ? out : undefined;
}
