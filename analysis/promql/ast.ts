/** The PromQL syntax tree Phoenix works on: built from the lezer tree, checked against Prometheus 2.42. */

/** A half-open character range in the expression text. */
export interface Span {
  readonly from: number;
  readonly to: number;
}

/** PromQL value types. */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

export type MatchOperator = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly name: string;
  readonly op: MatchOperator;
  /** The unquoted value. */
  readonly value: string;
  readonly span: Span;
}

/** `offset` and `@` modifiers of a selector or subquery, as written. */
export interface Modifiers {
  readonly offset?: string;
  readonly at?: string;
}

export interface VectorSelector extends Modifiers {
  readonly kind: 'vector-selector';
  /** The metric name, from the identifier or an `__name__="…"` matcher. @default - none (selected by matchers only) */
  readonly metric?: string;
  /** All matchers, including `__name__` ones (not the identifier itself). */
  readonly matchers: readonly LabelMatcher[];
  /** The selector text: identifier and braces, without range or modifiers. */
  readonly span: Span;
  /** The `{…}` part, if written. @default - no braces */
  readonly matchersSpan?: Span;
}

export interface MatrixSelector extends Modifiers {
  readonly kind: 'matrix-selector';
  readonly selector: VectorSelector;
  /** The range as written, e.g. `5m`. */
  readonly range: string;
  readonly rangeSeconds: number;
  readonly span: Span;
}

export interface SubqueryExpr extends Modifiers {
  readonly kind: 'subquery';
  readonly expr: Expr;
  readonly range: string;
  readonly step?: string;
  readonly span: Span;
}

export type AggregateOp = 'sum' | 'avg' | 'count' | 'min' | 'max' | 'group' | 'stddev' | 'stdvar' | 'topk' | 'bottomk' | 'quantile' | 'count_values';

export interface Grouping {
  /** `without (…)` rather than `by (…)`. */
  readonly without: boolean;
  readonly labels: readonly string[];
}

export interface AggregateExpr {
  readonly kind: 'aggregate';
  readonly op: AggregateOp;
  /** The parameter of topk/bottomk/quantile/count_values. */
  readonly param?: Expr;
  /** @default - no grouping: everything aggregates into one series */
  readonly grouping?: Grouping;
  readonly expr: Expr;
  readonly span: Span;
}

export interface CallExpr {
  readonly kind: 'call';
  readonly func: string;
  readonly args: readonly Expr[];
  readonly span: Span;
}

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2' | '==' | '!=' | '>' | '<' | '>=' | '<=' | 'and' | 'or' | 'unless';

export interface VectorMatching {
  /** `on (…)` rather than `ignoring (…)`. */
  readonly on: boolean;
  readonly labels: readonly string[];
  readonly card: 'one-to-one' | 'many-to-one' | 'one-to-many';
  /** Labels of `group_left (…)` / `group_right (…)`. */
  readonly include: readonly string[];
}

export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  readonly returnBool: boolean;
  /** @default - match on all labels (one-to-one) */
  readonly matching?: VectorMatching;
  readonly span: Span;
}

export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: '-' | '+';
  readonly expr: Expr;
  readonly span: Span;
}

export interface ParenExpr {
  readonly kind: 'paren';
  readonly expr: Expr;
  readonly span: Span;
}

export interface NumberLiteral {
  readonly kind: 'number';
  readonly value: number;
  readonly span: Span;
}

export interface StringLiteral {
  readonly kind: 'string';
  readonly value: string;
  readonly span: Span;
}

export type Expr =
  VectorSelector | MatrixSelector | SubqueryExpr | AggregateExpr | CallExpr | BinaryExpr | UnaryExpr | ParenExpr | NumberLiteral | StringLiteral;
