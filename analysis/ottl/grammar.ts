import { InputError } from '../input-error';
/**
 * The one OTTL (OpenTelemetry Transformation Language) grammar of Phoenix: the forms it emits
 * (constructs), simulates (analysis/simulate) and reasons about (policies): editor statements with an optional `where` clause, and boolean conditions
 * built from comparisons, converter calls, `and` / `or` / `not` and parentheses.
 *
 *   statement  := Editor "(" args? ")" ("where" condition)?
 *   condition  := and ("or" and)*
 *   and        := unary ("and" unary)*
 *   unary      := "not" unary | "(" condition ")" | value (op value)?
 *   value      := string | number | bool | nil | ENUM | path | Converter "(" args? ")" | list
 *   path       := ident ("." ident)* ("[" string "]")*
 *   args       := (ident "=")? value ("," (ident "=")? value)*
 *   op         := "==" | "!=" | "<" | "<=" | ">" | ">="
 *
 * It is deliberately smaller than the collector's: passing it says the text is in a form
 * Phoenix understands, not that the collector accepts every function named. `print.ts` writes
 * these trees back as text, `evaluate.ts` evaluates conditions against a metric or a point.
 */

/** A parsed OTTL value. */
export type OttlValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'nil' }
  | { readonly kind: 'enum'; readonly name: string }
  | { readonly kind: 'path'; readonly segments: readonly string[]; readonly keys: readonly string[] }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly OttlArgument[] }
  | { readonly kind: 'list'; readonly items: readonly OttlValue[] };

/** A function argument, optionally named (`name = value`). */
export interface OttlArgument {
  readonly name?: string;
  readonly value: OttlValue;
}

/** A parsed boolean condition. */
export type OttlCondition =
  | { readonly kind: 'or' | 'and'; readonly operands: readonly OttlCondition[] }
  | { readonly kind: 'not'; readonly operand: OttlCondition }
  | { readonly kind: 'compare'; readonly op: string; readonly left: OttlValue; readonly right: OttlValue }
  | { readonly kind: 'value'; readonly value: OttlValue };

/** A parsed statement: an editor call with an optional `where` condition. */
export interface OttlStatement {
  readonly editor: string;
  readonly args: readonly OttlArgument[];
  readonly where?: OttlCondition;
}

/** Thrown for text outside the grammar; `column` is 1-based. */
export class OttlSyntaxError extends InputError {
  constructor(
    readonly text: string,
    readonly column: number,
    detail: string,
  ) {
    super(`OTTL syntax error at column ${column}: ${detail} in ${JSON.stringify(text)}`);
    this.name = 'OttlSyntaxError';
  }
}

/**
 * OTTL in the grammar that an evaluator does not model (a path, function or comparison it
 * cannot evaluate); the simulation notes it and leaves the data unchanged.
 */
export class OttlNotModelled extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'OttlNotModelled';
  }
}

/** Parses one OTTL statement (`keep_keys(attributes, ["a"]) where metric.name == "m"`). */
export function parseOttlStatement(text: string): OttlStatement {
  const p = new Parser(text);
  const editor = p.expect('ident');
  if (!/^[a-z][a-z0-9_]*$/.test(editor.text)) p.fail(editor, `an editor name is lower_snake_case, got '${editor.text}'`);
  p.expect('(');
  const args = p.args();
  p.expect(')');
  let where: OttlCondition | undefined;
  if (p.peekKeyword('where')) {
    p.next();
    where = p.condition();
  }
  p.end();
  return { editor: editor.text, args, where };
}

/** Parses one OTTL boolean condition (`name == "a" or IsMatch(name, "^b")`). */
export function parseOttlCondition(text: string): OttlCondition {
  const p = new Parser(text);
  const condition = p.condition();
  p.end();
  return condition;
}

type TokenKind = 'ident' | 'string' | 'number' | 'op' | '(' | ')' | '[' | ']' | ',' | '.' | '=' | 'end';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly value?: string | number;
  readonly column: number;
}

const KEYWORDS = new Set(['where', 'and', 'or', 'not', 'nil', 'true', 'false']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (detail: string): never => {
    throw new OttlSyntaxError(text, i + 1, detail);
  };
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') {
          const escaped = text[i + 1];
          if (escaped === undefined) fail('unterminated escape');
          value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped;
          i += 2;
        } else {
          value += text[i++];
        }
      }
      if (i >= text.length) {
        i = start;
        fail('unterminated string');
      }
      i++;
      tokens.push({ kind: 'string', text: text.slice(start, i), value, column: start + 1 });
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(text[i + 1] ?? ''))) {
      i++;
      while (i < text.length && /[0-9.eE]/.test(text[i])) i++;
      const raw = text.slice(start, i);
      if (Number.isNaN(Number(raw))) fail(`malformed number '${raw}'`);
      tokens.push({ kind: 'number', text: raw, value: Number(raw), column: start + 1 });
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i])) i++;
      tokens.push({ kind: 'ident', text: text.slice(start, i), column: start + 1 });
    } else if (['==', '!=', '<=', '>='].includes(text.slice(i, i + 2))) {
      tokens.push({ kind: 'op', text: text.slice(i, i + 2), column: start + 1 });
      i += 2;
    } else if (c === '<' || c === '>') {
      tokens.push({ kind: 'op', text: c, column: start + 1 });
      i++;
    } else if ('()[],.='.includes(c)) {
      tokens.push({ kind: c as TokenKind, text: c, column: start + 1 });
      i++;
    } else {
      fail(`unexpected character '${c}'`);
    }
  }
  tokens.push({ kind: 'end', text: 'end of text', column: text.length + 1 });
  return tokens;
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;

  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  next(): Token {
    return this.tokens[this.pos++];
  }

  peekKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.text === word;
  }

  expect(kind: TokenKind): Token {
    const t = this.peek();
    if (t.kind !== kind) this.fail(t, `expected '${kind}', found '${t.text}'`);
    return this.next();
  }

  fail(token: Token, detail: string): never {
    throw new OttlSyntaxError(this.text, token.column, detail);
  }

  end(): void {
    const t = this.peek();
    if (t.kind !== 'end') this.fail(t, `unexpected '${t.text}'`);
  }

  condition(): OttlCondition {
    const operands = [this.conjunction()];
    while (this.peekKeyword('or')) {
      this.next();
      operands.push(this.conjunction());
    }
    return operands.length === 1 ? operands[0] : { kind: 'or', operands };
  }

  private conjunction(): OttlCondition {
    const operands = [this.unary()];
    while (this.peekKeyword('and')) {
      this.next();
      operands.push(this.unary());
    }
    return operands.length === 1 ? operands[0] : { kind: 'and', operands };
  }

  private unary(): OttlCondition {
    if (this.peekKeyword('not')) {
      this.next();
      return { kind: 'not', operand: this.unary() };
    }
    if (this.peek().kind === '(') {
      this.next();
      const inner = this.condition();
      this.expect(')');
      return inner;
    }
    const start = this.peek();
    const left = this.value();
    if (this.peek().kind === 'op') {
      const op = this.next().text;
      return { kind: 'compare', op, left, right: this.value() };
    }
    if (this.peek().kind === '=') this.fail(this.peek(), "'=' is not a comparison; compare with '=='");
    if (left.kind === 'call' || left.kind === 'bool') return { kind: 'value', value: left };
    return this.fail(start, `expected a comparison or a boolean converter after '${start.text}'`);
  }

  args(): OttlArgument[] {
    const args: OttlArgument[] = [];
    if (this.peek().kind === ')') return args;
    do {
      if (args.length > 0) this.next();
      if (this.peek().kind === 'ident' && this.peek(1).kind === '=') {
        const name = this.next().text;
        this.next();
        args.push({ name, value: this.value() });
      } else {
        args.push({ value: this.value() });
      }
    } while (this.peek().kind === ',');
    return args;
  }

  value(): OttlValue {
    const t = this.peek();
    switch (t.kind) {
      case 'string':
        this.next();
        return { kind: 'string', value: t.value as string };
      case 'number':
        this.next();
        return { kind: 'number', value: t.value as number };
      case '[': {
        this.next();
        const items: OttlValue[] = [];
        while (this.peek().kind !== ']') {
          if (items.length > 0) this.expect(',');
          items.push(this.value());
        }
        this.expect(']');
        return { kind: 'list', items };
      }
      case 'ident':
        return this.identValue();
      default:
        return this.fail(t, `expected a value, found '${t.text}'`);
    }
  }

  private identValue(): OttlValue {
    const t = this.next();
    if (t.text === 'nil') return { kind: 'nil' };
    if (t.text === 'true' || t.text === 'false') return { kind: 'bool', value: t.text === 'true' };
    if (KEYWORDS.has(t.text)) this.fail(t, `unexpected keyword '${t.text}'`);
    if (/^[A-Z][A-Z0-9_]*$/.test(t.text) && this.peek().kind !== '(') return { kind: 'enum', name: t.text };
    if (this.peek().kind === '(') {
      if (!/^[A-Z]/.test(t.text)) this.fail(t, `'${t.text}' is an editor; only converters (UpperCamelCase) may appear inside a value`);
      this.next();
      const args = this.args();
      this.expect(')');
      return { kind: 'call', name: t.text, args };
    }
    const segments = [t.text];
    while (this.peek().kind === '.') {
      this.next();
      segments.push(this.expect('ident').text);
    }
    const keys: string[] = [];
    while (this.peek().kind === '[') {
      this.next();
      keys.push(this.expect('string').value as string);
      this.expect(']');
    }
    return { kind: 'path', segments, keys };
  }
}

/** The dotted name of a path without its keys: `metric.name`, `resource.attributes`. */
export function pathName(value: Extract<OttlValue, { kind: 'path' }>): string {
  return value.segments.length === 1 ? value.segments[0] : value.segments.join('.');
}

/** Whether `value` is the path `dotted` (`attributes`, `metric.name`) with exactly `keys` keys. */
export function isPath(value: OttlValue | undefined, dotted: string, keys = 0): value is Extract<OttlValue, { kind: 'path' }> {
  return value?.kind === 'path' && value.keys.length === keys && pathName(value) === dotted;
}

/** The string literals of an argument list, in order, lists flattened (`"sum", ["a", "b"]` → sum, a, b). */
export function stringLiterals(args: readonly OttlArgument[]): string[] {
  const out: string[] = [];
  const visit = (value: OttlValue): void => {
    if (value.kind === 'string') out.push(value.value);
    else if (value.kind === 'list') value.items.forEach(visit);
    else if (value.kind === 'call') value.args.forEach((a) => visit(a.value));
  };
  args.forEach((a) => visit(a.value));
  return out;
}
