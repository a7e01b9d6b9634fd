import type { Expr, ValueType } from './ast';
import { AGGREGATIONS_2_42, FUNCTIONS_2_42 } from './dialect';
import type { PromQLProblem } from './parse';

const TYPE_NAMES: Readonly<Record<ValueType, string>> = { scalar: 'scalar', vector: 'instant vector', matrix: 'range vector', string: 'string' };
const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS = new Set(['and', 'or', 'unless']);

/**
 * The type rules Prometheus 2.42 enforces when it parses a query (promql/parser checkAST):
 * argument types and counts, aggregation operands, binary operand types, `bool` and vector
 * matching only where allowed. Adds one problem per violation; returns the expression's type.
 */
export function checkTypes(expr: Expr, problems: PromQLProblem[]): ValueType {
  const fail = (message: string): void => {
    problems.push({ kind: 'type', message, span: expr.span });
  };
  switch (expr.kind) {
    case 'vector-selector':
      return 'vector';
    case 'matrix-selector':
      return 'matrix';
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'paren':
      return checkTypes(expr.expr, problems);
    case 'subquery': {
      const inner = checkTypes(expr.expr, problems);
      if (inner !== 'vector') fail(`subquery is only allowed on an instant vector, got ${TYPE_NAMES[inner]}`);
      return 'matrix';
    }
    case 'unary': {
      const inner = checkTypes(expr.expr, problems);
      if (inner !== 'scalar' && inner !== 'vector') fail(`unary expression only allowed on a scalar or an instant vector, got ${TYPE_NAMES[inner]}`);
      return inner;
    }
    case 'aggregate': {
      const inner = checkTypes(expr.expr, problems);
      if (inner !== 'vector') fail(`expected an instant vector in aggregation ${expr.op}, got ${TYPE_NAMES[inner]}`);
      const paramType = AGGREGATIONS_2_42[expr.op];
      if (expr.param && paramType) {
        const actual = checkTypes(expr.param, problems);
        if (actual !== paramType) fail(`expected a ${TYPE_NAMES[paramType]} parameter in aggregation ${expr.op}, got ${TYPE_NAMES[actual]}`);
      }
      return 'vector';
    }
    case 'call': {
      const sig = FUNCTIONS_2_42[expr.func]!;
      const min = sig.args.length - (sig.optional ?? 0);
      const max = sig.variadic ? Infinity : sig.args.length;
      if (expr.args.length < min || expr.args.length > max) {
        const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
        fail(`${expr.func}() takes ${expected} argument(s), got ${expr.args.length}`);
      }
      expr.args.forEach((arg, i) => {
        const wanted = sig.args[Math.min(i, sig.args.length - 1)]!;
        const actual = checkTypes(arg, problems);
        if (actual !== wanted) fail(`expected ${TYPE_NAMES[wanted]} as argument ${i + 1} of ${expr.func}(), got ${TYPE_NAMES[actual]}`);
      });
      return sig.returns;
    }
    case 'binary': {
      const lhs = checkTypes(expr.lhs, problems);
      const rhs = checkTypes(expr.rhs, problems);
      for (const side of [lhs, rhs]) {
        if (side !== 'scalar' && side !== 'vector') fail(`binary operator ${expr.op} only works on scalars and instant vectors, got ${TYPE_NAMES[side]}`);
      }
      if (expr.returnBool && !COMPARISONS.has(expr.op)) fail(`bool modifier can only be used on comparison operators, not ${expr.op}`);
      if (COMPARISONS.has(expr.op) && lhs === 'scalar' && rhs === 'scalar' && !expr.returnBool) fail('comparisons between scalars must use the bool modifier');
      if (SET_OPS.has(expr.op) && (lhs !== 'vector' || rhs !== 'vector')) fail(`set operator ${expr.op} not allowed in binary scalar expression`);
      if (expr.matching && (lhs !== 'vector' || rhs !== 'vector')) fail('vector matching only allowed between instant vectors');
      if (expr.matching && SET_OPS.has(expr.op) && expr.matching.card !== 'one-to-one') fail(`no grouping allowed for ${expr.op} operation`);
      return lhs === 'vector' || rhs === 'vector' ? 'vector' : 'scalar';
    }
  }
}
