import { parser } from '@prometheus-io/lezer-promql';
import type { SyntaxNode, Tree } from '@lezer/common';
import type { AggregateOp, BinaryOp, Expr, Grouping, LabelMatcher, MatchOperator, Modifiers, Span, VectorMatching, VectorSelector } from './ast';
import { AGGREGATIONS_2_42, durationSeconds, FUNCTIONS_2_42, NEWER_FUNCTIONS, PROMQL_DIALECT } from './dialect';
import { compileMatcherRegex, unquotePromQLString } from './strings';
import { checkTypes } from './types';

/** Why a query was rejected: it does not parse, uses syntax newer than 2.42, or mixes types. */
export type PromQLProblemKind = 'syntax' | 'newer-syntax' | 'type';

/** One reason a query cannot be used, with its place in the expression text. */
export interface PromQLProblem {
  readonly kind: PromQLProblemKind;
  readonly message: string;
  readonly span: Span;
}

/** The outcome of {@link parsePromQL}. */
export type ParseResult =
  | { readonly ok: true; readonly expr: Expr; readonly text: string }
  | { readonly ok: false; readonly problems: readonly PromQLProblem[]; readonly text: string };

class Rejected extends Error {
  constructor(readonly problem: PromQLProblem) {
    super(problem.message);
  }
}

/**
 * Parses a PromQL expression with `@prometheus-io/lezer-promql` and checks it against the PromQL
 * of Prometheus 2.42: syntax errors, syntax only newer versions accept (UTF-8 quoted names,
 * `limitk`, `info()`, duration arithmetic, …), and the type rules Prometheus applies at parse time
 * (range vectors only for selectors, argument types, `bool` between scalars, …). Never throws
 * for bad input: every problem comes back with its span in `text`.
 */
export function parsePromQL(text: string): ParseResult {
  const prepared = renameHoltWinters(text);
  const tree = parser.parse(prepared);
  const syntax = syntaxProblems(tree, prepared);
  if (syntax.length > 0) return { ok: false, problems: syntax, text };
  const top = children(tree.topNode)[0];
  if (!top) return { ok: false, problems: [{ kind: 'syntax', message: 'empty query', span: { from: 0, to: text.length } }], text };
  const problems: PromQLProblem[] = [];
  let expr: Expr;
  try {
    expr = new Converter(text, problems).expr(top);
  } catch (error) {
    if (error instanceof Rejected) return { ok: false, problems: [...problems, error.problem], text };
    throw error;
  }
  if (problems.length === 0) checkTypes(expr, problems);
  return problems.length > 0 ? { ok: false, problems, text } : { ok: true, expr, text };
}

/**
 * `holt_winters` is a 2.42 function the current grammar no longer knows (renamed
 * `double_exponential_smoothing` in 3.0). It is parsed as a same-length known name so positions
 * stay exact; the converter reads function names from the original text.
 */
function renameHoltWinters(text: string): string {
  if (!text.includes('holt_winters')) return text;
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      out += c;
      if (c === '\\' && quote !== '`') out += text[++i] ?? '';
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') {
      quote = c;
      out += c;
    } else if (text.startsWith('holt_winters', i) && !/[\w:]/.test(text[i - 1] ?? '') && /^\s*\(/.test(text.slice(i + 12))) {
      out += 'day_of_month';
      i += 11;
    } else {
      out += c;
    }
  }
  return out;
}

function syntaxProblems(tree: Tree, text: string): PromQLProblem[] {
  const problems: PromQLProblem[] = [];
  tree.iterate({
    enter(node) {
      if (problems.length > 0) return false; // later errors cascade from the first one
      if (!node.type.isError) return undefined;
      const from = node.from;
      const token = text.slice(from, Math.max(node.to, from + 1)).trim();
      const message = from >= text.trimEnd().length ? 'unexpected end of query' : `unexpected ${JSON.stringify(token.slice(0, 20))}`;
      problems.push({ kind: 'syntax', message, span: { from, to: Math.max(node.to, from + 1) } });
      return false;
    },
  });
  return problems;
}

const BINARY_OPS: Readonly<Record<string, BinaryOp>> = {
  Pow: '^',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Atan2: 'atan2',
  Add: '+',
  Sub: '-',
  Eql: '==',
  Neq: '!=',
  Gte: '>=',
  Gtr: '>',
  Lte: '<=',
  Lss: '<',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
};

const MATCH_OPS: Readonly<Record<string, MatchOperator>> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

/** The child nodes, without `# …` comments (PromQL allows them wherever whitespace may stand). */
function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) if (child.name !== 'LineComment') out.push(child);
  return out;
}

class Converter {
  constructor(
    private readonly text: string,
    private readonly problems: PromQLProblem[],
  ) {}

  private src(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  private span(node: SyntaxNode): Span {
    return { from: node.from, to: node.to };
  }

  private newer(node: SyntaxNode, what: string, since = '3.x'): never {
    throw new Rejected({
      kind: 'newer-syntax',
      message: `${what} needs Prometheus ${since}; queries are checked against ${PROMQL_DIALECT}`,
      span: this.span(node),
    });
  }

  private fail(node: SyntaxNode, message: string, kind: 'syntax' | 'type' = 'syntax'): never {
    throw new Rejected({ kind, message, span: this.span(node) });
  }

  expr(node: SyntaxNode): Expr {
    switch (node.name) {
      case 'VectorSelector':
        return this.vectorSelector(node);
      case 'MatrixSelector':
        return this.matrixSelector(node);
      case 'SubqueryExpr':
        return this.subquery(node);
      case 'OffsetExpr':
        return this.withModifier(node, 'offset');
      case 'StepInvariantExpr':
        return this.withModifier(node, 'at');
      case 'AggregateExpr':
        return this.aggregate(node);
      case 'FunctionCall':
        return this.call(node);
      case 'BinaryExpr':
        return this.binary(node);
      case 'UnaryExpr': {
        const [op, operand] = children(node);
        return { kind: 'unary', op: this.src(op!) === '-' ? '-' : '+', expr: this.expr(operand!), span: this.span(node) };
      }
      case 'ParenExpr':
        return { kind: 'paren', expr: this.expr(children(node)[0]!), span: this.span(node) };
      case 'NumberDurationLiteral':
        return { kind: 'number', value: this.number(node), span: this.span(node) };
      case 'StringLiteral':
        return { kind: 'string', value: this.unquote(node), span: this.span(node) };
      case 'AnchoredExpr':
        return this.newer(node, 'the anchored modifier');
      case 'SmoothedExpr':
        return this.newer(node, 'the smoothed modifier');
      default:
        return this.fail(node, `unsupported expression ${JSON.stringify(this.src(node))}`);
    }
  }

  private unquote(node: SyntaxNode): string {
    try {
      return unquotePromQLString(this.src(node));
    } catch (error) {
      return this.fail(node, (error as Error).message);
    }
  }

  private number(node: SyntaxNode): number {
    const raw = this.src(node).replace(/\s+/g, '');
    const body = raw.replace(/^[-+]/, '');
    const sign = raw.startsWith('-') ? -1 : 1;
    if (/^inf$/i.test(body)) return sign * Infinity;
    if (/^nan$/i.test(body)) return NaN;
    if (body.includes('_')) this.newer(node, `the number literal ${raw} (digit separators)`);
    if (/^0x[0-9a-f]+$/i.test(body)) return sign * parseInt(body, 16);
    if (durationSeconds(body) !== undefined && !/^[0-9.]+$/.test(body)) this.newer(node, `the duration ${raw} used as a number`);
    const value = Number(body);
    if (Number.isNaN(value)) this.fail(node, `invalid number ${JSON.stringify(raw)}`);
    return sign * value;
  }

  private vectorSelector(node: SyntaxNode): VectorSelector {
    const identifier = node.getChild('Identifier');
    const matchersNode = node.getChild('LabelMatchers');
    const matchers = matchersNode ? this.labelMatchers(matchersNode) : [];
    let metric = identifier ? this.src(identifier) : undefined;
    const nameMatcher = matchers.find((mt) => mt.name === '__name__');
    if (metric !== undefined && nameMatcher)
      this.fail(node, `metric name must not be set twice: ${JSON.stringify(metric)} or ${JSON.stringify(nameMatcher.value)}`);
    if (metric === undefined && nameMatcher?.op === '=') metric = nameMatcher.value;
    if (identifier === null && !matchers.some((mt) => !matchesEmpty(mt))) {
      this.fail(node, 'vector selector must contain at least one non-empty matcher');
    }
    return {
      kind: 'vector-selector',
      matchers,
      span: this.span(node),
      ...(metric !== undefined ? { metric } : {}),
      ...(matchersNode ? { matchersSpan: this.span(matchersNode) } : {}),
    };
  }

  private labelMatchers(node: SyntaxNode): LabelMatcher[] {
    return children(node)
      .filter((c) => c.name !== '{' && c.name !== '}' && c.name !== ',')
      .map((c) => {
        if (c.name === 'QuotedLabelName') this.newer(c, `the quoted metric name ${this.src(c)}`, '3.0');
        if (c.name === 'QuotedLabelMatcher') this.newer(c, `the quoted label name in ${this.src(c)}`, '3.0');
        const [nameNode, opNode, valueNode] = children(c);
        const op = MATCH_OPS[children(opNode!)[0]!.name]!;
        const value = this.unquote(valueNode!);
        if (op === '=~' || op === '!~') {
          const compiled = compileMatcherRegex(value);
          if (compiled.error) this.fail(valueNode!, compiled.error);
        }
        return { name: this.src(nameNode!), op, value, span: this.span(c) };
      });
  }

  private duration(node: SyntaxNode, what: string): string {
    const parts = children(node);
    const only = parts.length === 1 ? parts[0]! : undefined;
    if (!only || only.name !== 'NumberDurationLiteralInDurationContext')
      this.newer(node, `the ${what} ${JSON.stringify(this.src(node))} (duration expressions)`);
    const text = this.src(only);
    if (durationSeconds(text) === undefined) {
      if (/^[0-9.]+$/.test(text)) this.newer(node, `the ${what} ${text} without a unit`);
      this.fail(node, `invalid duration ${JSON.stringify(text)} in ${what}`);
    }
    return text;
  }

  private matrixSelector(node: SyntaxNode): Expr {
    const [inner, range] = children(node).filter((c) => c.name !== '[' && c.name !== ']');
    if (inner!.name !== 'VectorSelector') {
      this.fail(node, `ranges are only allowed for vector selectors: ${JSON.stringify(this.src(inner!))}[…] (use a subquery [range:step])`, 'type');
    }
    const rangeText = this.duration(range!, 'range');
    const seconds = durationSeconds(rangeText)!;
    if (seconds <= 0) this.fail(range!, 'range must be greater than 0');
    return { kind: 'matrix-selector', selector: this.vectorSelector(inner!), range: rangeText, rangeSeconds: seconds, span: this.span(node) };
  }

  private subquery(node: SyntaxNode): Expr {
    const parts = children(node).filter((c) => !['[', ']', ':'].includes(c.name));
    const inner = this.expr(parts[0]!);
    const range = this.duration(parts[1]!, 'subquery range');
    const step = parts[2] ? this.duration(parts[2], 'subquery step') : undefined;
    return { kind: 'subquery', expr: inner, range, span: this.span(node), ...(step !== undefined ? { step } : {}) };
  }

  private withModifier(node: SyntaxNode, which: 'offset' | 'at'): Expr {
    const parts = children(node);
    const inner = this.expr(parts[0]!);
    let value: string;
    if (which === 'offset') {
      const durationNode = parts[2]!;
      const raw = this.src(durationNode).replace(/\s+/g, '');
      const body = raw.replace(/^[-+]/, '');
      if (durationNode.getChild('NumberDurationLiteralInDurationContext') === null && !durationNode.getChild('OffsetDurationExpr')) {
        this.newer(durationNode, `the offset ${JSON.stringify(raw)} (duration expressions)`);
      }
      if (durationSeconds(body) === undefined) {
        if (/^[0-9.]+$/.test(body)) this.newer(durationNode, `the offset ${raw} without a unit`);
        this.newer(durationNode, `the offset ${JSON.stringify(raw)} (duration expressions)`);
      }
      value = raw;
    } else {
      value = this.text
        .slice(parts[1]!.to, node.to)
        .replace(/#[^\n]*/g, '')
        .replace(/\s+/g, '');
      const literal = parts[2]!;
      if (literal.name === 'NumberDurationLiteral') this.number(literal);
    }
    return this.applyModifier(inner, which, value, node);
  }

  /**
   * The grammar binds `offset`/`@` looser than binary operators (`a - b offset 5m` parses as
   * `(a - b) offset 5m`); Prometheus binds them to the operand just before them, so the modifier
   * moves down the right-hand side (and into a unary operand) to the selector it belongs to.
   */
  private applyModifier(inner: Expr, which: 'offset' | 'at', value: string, node: SyntaxNode): Expr {
    if (inner.kind === 'binary') return { ...inner, rhs: this.applyModifier(inner.rhs, which, value, node), span: { from: inner.span.from, to: node.to } };
    if (inner.kind === 'unary') return { ...inner, expr: this.applyModifier(inner.expr, which, value, node), span: { from: inner.span.from, to: node.to } };
    if (inner.kind !== 'vector-selector' && inner.kind !== 'matrix-selector' && inner.kind !== 'subquery') {
      this.fail(
        node,
        `${which === 'offset' ? 'offset' : '@'} modifier must be preceded by an instant vector selector, a range vector selector or a subquery`,
        'type',
      );
    }
    const existing: Modifiers = inner;
    if (existing[which] !== undefined) this.fail(node, `${which === 'offset' ? 'offset' : '@'} may not be set multiple times`);
    return { ...inner, [which]: value, ...(inner.kind === 'vector-selector' ? {} : { span: { from: inner.span.from, to: node.to } }) } as Expr;
  }

  private grouping(node: SyntaxNode | null): Grouping | undefined {
    if (!node) return undefined;
    const without = children(node)[0]!.name === 'Without';
    return { without, labels: this.groupingLabels(node.getChild('GroupingLabels')!) };
  }

  private groupingLabels(node: SyntaxNode): string[] {
    return children(node)
      .filter((c) => c.name === 'LabelName' || c.name === 'QuotedLabelName')
      .map((c) => {
        if (c.name === 'QuotedLabelName') this.newer(c, `the quoted label name ${this.src(c)}`, '3.0');
        return this.src(c);
      });
  }

  private aggregate(node: SyntaxNode): Expr {
    const opNode = node.getChild('AggregateOp')!;
    const op = this.src(opNode);
    if (!(op in AGGREGATIONS_2_42)) this.newer(opNode, `the aggregation ${op}`, NEWER_FUNCTIONS[op] ?? '3.x');
    const args = children(node.getChild('FunctionCallBody')!).filter((c) => !['(', ')', ','].includes(c.name));
    const takesParam = AGGREGATIONS_2_42[op as AggregateOp] !== undefined;
    if (args.length !== (takesParam ? 2 : 1)) {
      this.fail(node, `${op} takes ${takesParam ? 'a parameter and an expression' : 'one expression'}, got ${args.length} argument(s)`, 'type');
    }
    const grouping = this.grouping(node.getChild('AggregateModifier'));
    const param = takesParam ? this.expr(args[0]!) : undefined;
    const inner = this.expr(args[args.length - 1]!);
    return { kind: 'aggregate', op: op as AggregateOp, expr: inner, span: this.span(node), ...(param ? { param } : {}), ...(grouping ? { grouping } : {}) };
  }

  private call(node: SyntaxNode): Expr {
    const identifier = node.getChild('FunctionIdentifier')!;
    const func = this.src(identifier);
    if (!(func in FUNCTIONS_2_42)) this.newer(identifier, `the function ${func}()`, NEWER_FUNCTIONS[func] ?? '3.x');
    const args = children(node.getChild('FunctionCallBody')!)
      .filter((c) => !['(', ')', ','].includes(c.name))
      .map((c) => this.expr(c));
    return { kind: 'call', func, args, span: this.span(node) };
  }

  private binary(node: SyntaxNode): Expr {
    const parts = children(node);
    const opNode = parts[1]!;
    if (opNode.name === 'TrimUpper' || opNode.name === 'TrimLower') this.newer(opNode, `the operator ${this.src(opNode)}`);
    const op = BINARY_OPS[opNode.name];
    if (!op) this.fail(opNode, `unknown operator ${JSON.stringify(this.src(opNode))}`);
    const fill = node.getChild('FillModifier');
    if (fill) this.newer(fill, 'the fill modifier');
    const clause = node.getChild('MatchingModifierClause');
    let matching: VectorMatching | undefined;
    if (clause) {
      const lists = clause.getChildren('GroupingLabels');
      const groupLeft = clause.getChild('GroupLeft') !== null;
      const groupRight = clause.getChild('GroupRight') !== null;
      matching = {
        on: clause.getChild('On') !== null,
        labels: this.groupingLabels(lists[0]!),
        card: groupLeft ? 'many-to-one' : groupRight ? 'one-to-many' : 'one-to-one',
        include: lists[1] ? this.groupingLabels(lists[1]) : [],
      };
    }
    const lhs = this.expr(parts[0]!);
    const rhs = this.expr(parts[parts.length - 1]!);
    return { kind: 'binary', op, lhs, rhs, returnBool: node.getChild('BoolModifier') !== null, span: this.span(node), ...(matching ? { matching } : {}) };
  }
}

/** Whether a matcher accepts the empty value (so it alone selects every series). */
export function matchesEmpty(matcher: LabelMatcher): boolean {
  switch (matcher.op) {
    case '=':
      return matcher.value === '';
    case '!=':
      return matcher.value !== '';
    case '=~':
      return compileMatcherRegex(matcher.value).regex?.test('') ?? false;
    case '!~':
      return !(compileMatcherRegex(matcher.value).regex?.test('') ?? true);
  }
}
