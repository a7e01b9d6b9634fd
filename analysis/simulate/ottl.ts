/**
 * Just enough OTTL to simulate the statements and conditions of the `filter` and `transform`
 * processors: editor calls with `where`, comparisons, `IsMatch`, `and` / `or` / `not`,
 * string / number / bool / nil / enum literals, paths (`name`, `metric.name`, `type`,
 * `attributes["k"]`, `resource.attributes["k"]`) and lists. Anything else is reported as
 * not modelled (the simulation then leaves the data unchanged and says so).
 * (analysis/ imports nothing of ours, so it reads OTTL itself rather than through constructs/.)
 */

/** A parsed OTTL value. */
export type OttlExpr =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'nil' }
  | { readonly kind: 'enum'; readonly name: string }
  | { readonly kind: 'path'; readonly segments: readonly string[]; readonly keys: readonly string[]; readonly path: string }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly OttlExpr[] }
  | { readonly kind: 'list'; readonly items: readonly OttlExpr[] }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly OttlExpr[] }
  | { readonly kind: 'not'; readonly operand: OttlExpr }
  | { readonly kind: 'compare'; readonly op: string; readonly left: OttlExpr; readonly right: OttlExpr };

/** A parsed statement: `editor(args) where condition`. */
export interface OttlStatement {
  readonly text: string;
  readonly editor: string;
  readonly args: readonly OttlExpr[];
  readonly where?: OttlExpr;
}

/** OTTL text this module does not read. */
export class OttlNotModelled extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'OttlNotModelled';
  }
}

interface Token {
  readonly kind: 'ident' | 'string' | 'number' | 'op' | 'punct' | 'end';
  readonly text: string;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) {
          const next = text[i + 1]!;
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          i += 2;
        } else value += text[i++];
      }
      if (text[i] !== '"') throw new OttlNotModelled(`unterminated string in ${JSON.stringify(text)}`);
      i++;
      tokens.push({ kind: 'string', text: value });
    } else if (/[0-9-]/.test(c) && /[0-9]/.test(text[i + 1] ?? c)) {
      const m = /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(text.slice(i))!;
      tokens.push({ kind: 'number', text: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'ident', text: m[0] });
      i += m[0].length;
    } else {
      const two = text.slice(i, i + 2);
      if (['==', '!=', '<=', '>='].includes(two)) {
        tokens.push({ kind: 'op', text: two });
        i += 2;
      } else if (c === '<' || c === '>') {
        tokens.push({ kind: 'op', text: c });
        i++;
      } else if ('()[],.='.includes(c)) {
        tokens.push({ kind: 'punct', text: c });
        i++;
      } else throw new OttlNotModelled(`unexpected ${JSON.stringify(c)} in ${JSON.stringify(text)}`);
    }
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

class Parser {
  private pos = 0;
  private readonly tokens: Token[];
  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }
  peek(): Token {
    return this.tokens[this.pos]!;
  }
  next(): Token {
    return this.tokens[this.pos++]!;
  }
  isPunct(text: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === text;
  }
  isWord(word: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.text === word;
  }
  expectPunct(text: string): void {
    if (!this.isPunct(text)) throw new OttlNotModelled(`expected "${text}" in ${JSON.stringify(this.text)}`);
    this.next();
  }
  end(): void {
    if (this.peek().kind !== 'end') throw new OttlNotModelled(`unexpected "${this.peek().text}" in ${JSON.stringify(this.text)}`);
  }
  condition(): OttlExpr {
    const operands = [this.conjunction()];
    while (this.isWord('or')) {
      this.next();
      operands.push(this.conjunction());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }
  conjunction(): OttlExpr {
    const operands = [this.unary()];
    while (this.isWord('and')) {
      this.next();
      operands.push(this.unary());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }
  unary(): OttlExpr {
    if (this.isWord('not')) {
      this.next();
      return { kind: 'not', operand: this.unary() };
    }
    if (this.isPunct('(')) {
      this.next();
      const inner = this.condition();
      this.expectPunct(')');
      return inner;
    }
    const left = this.value();
    if (this.peek().kind === 'op') {
      const op = this.next().text;
      return { kind: 'compare', op, left, right: this.value() };
    }
    return left;
  }
  value(): OttlExpr {
    const t = this.next();
    if (t.kind === 'string') return { kind: 'string', value: t.text };
    if (t.kind === 'number') return { kind: 'number', value: Number(t.text) };
    if (t.kind === 'punct' && t.text === '[') {
      const items: OttlExpr[] = [];
      while (!this.isPunct(']')) {
        items.push(this.value());
        if (this.isPunct(',')) this.next();
        else break;
      }
      this.expectPunct(']');
      return { kind: 'list', items };
    }
    if (t.kind !== 'ident') throw new OttlNotModelled(`unexpected "${t.text}" in ${JSON.stringify(this.text)}`);
    if (t.text === 'true' || t.text === 'false') return { kind: 'bool', value: t.text === 'true' };
    if (t.text === 'nil') return { kind: 'nil' };
    if (this.isPunct('(')) {
      this.next();
      const args = this.args();
      this.expectPunct(')');
      return { kind: 'call', name: t.text, args };
    }
    if (/^[A-Z][A-Z0-9_]*$/.test(t.text)) return { kind: 'enum', name: t.text };
    const segments = [t.text];
    while (this.isPunct('.')) {
      this.next();
      const seg = this.next();
      if (seg.kind !== 'ident') throw new OttlNotModelled(`expected a path segment in ${JSON.stringify(this.text)}`);
      segments.push(seg.text);
    }
    const keys: string[] = [];
    while (this.isPunct('[')) {
      this.next();
      const key = this.next();
      if (key.kind !== 'string') throw new OttlNotModelled(`only string keys are modelled in ${JSON.stringify(this.text)}`);
      keys.push(key.text);
      this.expectPunct(']');
    }
    return { kind: 'path', segments, keys, path: segments.join('.') };
  }
  args(): OttlExpr[] {
    const args: OttlExpr[] = [];
    if (this.isPunct(')')) return args;
    for (;;) {
      // named argument `name = value`: the name is dropped, positions are what we read
      if (this.peek().kind === 'ident' && this.tokens[this.pos + 1]?.kind === 'punct' && this.tokens[this.pos + 1]?.text === '=') this.pos += 2;
      args.push(this.condition());
      if (!this.isPunct(',')) return args;
      this.next();
    }
  }
}

/** Parses one statement; throws {@link OttlNotModelled} for text outside the modelled forms. */
export function parseStatement(text: string): OttlStatement {
  const p = new Parser(text);
  const editor = p.next();
  if (editor.kind !== 'ident') throw new OttlNotModelled(`expected an editor call in ${JSON.stringify(text)}`);
  p.expectPunct('(');
  const args = p.args();
  p.expectPunct(')');
  let where: OttlExpr | undefined;
  if (p.isWord('where')) {
    p.next();
    where = p.condition();
  }
  p.end();
  return { text, editor: editor.text, args, ...(where ? { where } : {}) };
}

/** Whether a condition reads data-point attributes (else its value is the same for every point of a metric in a resource). */
export function readsDatapoint(expr: OttlExpr): boolean {
  switch (expr.kind) {
    case 'path':
      return expr.path === 'attributes' || expr.path.startsWith('datapoint') || expr.path === 'start_time_unix_nano' || expr.path === 'time_unix_nano' || expr.path === 'value_double' || expr.path === 'value_int';
    case 'call':
      return expr.args.some(readsDatapoint);
    case 'list':
      return expr.items.some(readsDatapoint);
    case 'and':
    case 'or':
      return expr.operands.some(readsDatapoint);
    case 'not':
      return readsDatapoint(expr.operand);
    case 'compare':
      return readsDatapoint(expr.left) || readsDatapoint(expr.right);
    default:
      return false;
  }
}

/** Parses one boolean condition (as the filter processor's conditions are written). */
export function parseCondition(text: string): OttlExpr {
  const p = new Parser(text);
  const condition = p.condition();
  p.end();
  return condition;
}

/** What a condition is evaluated against: one data point (or one metric) of one resource. */
export interface OttlTarget {
  /** The context the statement or condition runs in. */
  readonly context: 'resource' | 'scope' | 'metric' | 'datapoint';
  /** Whether the metric's OTel name equals `otelName` (through the naming translation). */
  nameIs(otelName: string): boolean;
  /** Whether the metric's OTel name matches an RE2 regex. */
  nameMatches(regex: string): boolean;
  /** The OTTL enum of the metric type, e.g. `METRIC_DATA_TYPE_SUM`. */
  readonly typeEnum: string;
  /** A data-point attribute by OTel name, `undefined` when absent. */
  attribute(key: string): string | undefined;
  /** A resource attribute by OTel name, `undefined` when absent. */
  resourceAttribute(key: string): string | undefined;
}

type Evaluated = { kind: 'name' } | { kind: 'value'; value: string | number | boolean | null };

/** Evaluates a condition; throws {@link OttlNotModelled} for paths or functions it does not know. */
export function evaluate(expr: OttlExpr, target: OttlTarget): boolean {
  switch (expr.kind) {
    case 'and':
      return expr.operands.every((o) => evaluate(o, target));
    case 'or':
      return expr.operands.some((o) => evaluate(o, target));
    case 'not':
      return !evaluate(expr.operand, target);
    case 'bool':
      return expr.value;
    case 'compare': {
      // fast path, one per data point in filters: attributes["k"] ==/!= "literal"
      const { left, right } = expr;
      if ((expr.op === '==' || expr.op === '!=') && right.kind === 'string' && left.kind === 'path' && left.keys.length === 1) {
        const found = attributeAt(left, target);
        if (found !== NOT_AN_ATTRIBUTE) return (found === right.value) === (expr.op === '==');
      }
      return compare(expr.op, value(left, target), value(right, target), target);
    }
    case 'call':
      return call(expr, target);
    default:
      throw new OttlNotModelled(`a ${expr.kind} is not a condition`);
  }
}

const NOT_AN_ATTRIBUTE = Symbol('not an attribute path');

function attributeAt(expr: Extract<OttlExpr, { kind: 'path' }>, target: OttlTarget): string | undefined | typeof NOT_AN_ATTRIBUTE {
  const key = expr.keys[0]!;
  if (expr.path === 'attributes' && target.context === 'datapoint') return target.attribute(key);
  if (expr.path === 'attributes' && target.context === 'resource') return target.resourceAttribute(key);
  if (expr.path === 'resource.attributes') return target.resourceAttribute(key);
  return NOT_AN_ATTRIBUTE;
}

function call(expr: Extract<OttlExpr, { kind: 'call' }>, target: OttlTarget): boolean {
  if (expr.name === 'IsMatch' && expr.args.length === 2 && expr.args[1]!.kind === 'string') {
    const subject = value(expr.args[0]!, target);
    const regex = expr.args[1].value;
    if (subject.kind === 'name') return target.nameMatches(regex);
    if (typeof subject.value !== 'string') return false;
    return re2(regex).test(subject.value);
  }
  throw new OttlNotModelled(`function ${expr.name} is not modelled`);
}

function value(expr: OttlExpr, target: OttlTarget): Evaluated {
  switch (expr.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return { kind: 'value', value: expr.value };
    case 'nil':
      return { kind: 'value', value: null };
    case 'enum':
      return { kind: 'value', value: expr.name };
    case 'path': {
      const path = expr.path;
      if (expr.keys.length === 0) {
        if (path === 'name' && target.context === 'metric') return { kind: 'name' };
        if (path === 'metric.name' && target.context === 'datapoint') return { kind: 'name' };
        if ((path === 'type' && target.context === 'metric') || (path === 'metric.type' && target.context === 'datapoint')) return { kind: 'value', value: target.typeEnum };
      }
      if (expr.keys.length === 1) {
        const key = expr.keys[0]!;
        if (path === 'attributes' && target.context === 'datapoint') return { kind: 'value', value: target.attribute(key) ?? null };
        if (path === 'attributes' && target.context === 'resource') return { kind: 'value', value: target.resourceAttribute(key) ?? null };
        if (path === 'resource.attributes') return { kind: 'value', value: target.resourceAttribute(key) ?? null };
      }
      throw new OttlNotModelled(`path ${path}${expr.keys.map((k) => `["${k}"]`).join('')} is not modelled in the ${target.context} context`);
    }
    default:
      throw new OttlNotModelled(`a ${expr.kind} is not modelled as a value`);
  }
}

function compare(op: string, left: Evaluated, right: Evaluated, target: OttlTarget): boolean {
  if (op === '==' || op === '!=') {
    let equal: boolean;
    if (left.kind === 'name' && right.kind === 'value') equal = typeof right.value === 'string' && target.nameIs(right.value);
    else if (right.kind === 'name' && left.kind === 'value') equal = typeof left.value === 'string' && target.nameIs(left.value);
    else if (left.kind === 'value' && right.kind === 'value') equal = left.value === right.value;
    else equal = true;
    return op === '==' ? equal : !equal;
  }
  if (left.kind === 'value' && right.kind === 'value' && typeof left.value === 'number' && typeof right.value === 'number') {
    if (op === '<') return left.value < right.value;
    if (op === '<=') return left.value <= right.value;
    if (op === '>') return left.value > right.value;
    if (op === '>=') return left.value >= right.value;
  }
  throw new OttlNotModelled(`comparison ${op} is only modelled between numbers`);
}

const regexCache = new Map<string, RegExp>();

/** An RE2 regex as a JavaScript RegExp (`(?P<name>` → `(?<name>`); unanchored, as RE2's match is. */
export function re2(regex: string): RegExp {
  let compiled = regexCache.get(regex);
  if (!compiled) {
    try {
      compiled = new RegExp(regex.replace(/\(\?P</g, '(?<'));
    } catch (error) {
      throw new OttlNotModelled(`regex ${JSON.stringify(regex)} does not compile: ${(error as Error).message}`);
    }
    regexCache.set(regex, compiled);
  }
  return compiled;
}
