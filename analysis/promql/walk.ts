import type { Expr, VectorSelector } from './ast';

/** Calls `visit` for every vector selector of `expr`, including those inside range selectors. */
export function forEachSelector(expr: Expr, visit: (selector: VectorSelector) => void): void {
  switch (expr.kind) {
    case 'vector-selector':
      visit(expr);
      return;
    case 'matrix-selector':
      visit(expr.selector);
      return;
    case 'number':
    case 'string':
      return;
    case 'paren':
    case 'unary':
    case 'subquery':
      forEachSelector(expr.expr, visit);
      return;
    case 'aggregate':
      if (expr.param) forEachSelector(expr.param, visit);
      forEachSelector(expr.expr, visit);
      return;
    case 'call':
      for (const arg of expr.args) forEachSelector(arg, visit);
      return;
    case 'binary':
      forEachSelector(expr.lhs, visit);
      forEachSelector(expr.rhs, visit);
      return;
  }
}
