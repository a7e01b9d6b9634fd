import type { Expr, Modifiers, VectorSelector } from './ast';
import { quotePromQLString } from './strings';

/**
 * Prints a syntax tree back to PromQL that Prometheus 2.42 parses to the same tree. Every operand
 * of a binary or unary operator and of a subquery is parenthesised (other parentheses are left
 * out), so precedence never depends on the source text;
 * metric names are printed as `__name__` matchers. `extraMatchers` (already rendered, e.g.
 * `phoenix_variant=~"a|b"`) is added to every vector selector.
 */
export function printPromQL(expr: Expr, extraMatchers = ''): string {
  const print = (e: Expr): string => {
    switch (e.kind) {
      case 'vector-selector':
        return selector(e, extraMatchers) + modifiers(e);
      case 'matrix-selector':
        return `${selector(e.selector, extraMatchers)}[${e.range}]${modifiers(e)}`;
      case 'subquery':
        return `(${print(e.expr)})[${e.range}:${e.step ?? ''}]${modifiers(e)}`;
      case 'number':
        return number(e.value);
      case 'string':
        return quotePromQLString(e.value);
      case 'paren':
        return print(e.expr); // operands are parenthesised where it matters
      case 'unary':
        return `${e.op}(${print(e.expr)})`;
      case 'call':
        return `${e.func}(${e.args.map(print).join(', ')})`;
      case 'aggregate': {
        const grouping = e.grouping ? ` ${e.grouping.without ? 'without' : 'by'} (${e.grouping.labels.join(', ')})` : '';
        const args = e.param ? `${print(e.param)}, ${print(e.expr)}` : print(e.expr);
        return `${e.op}${grouping} (${args})`;
      }
      case 'binary': {
        let op = e.op as string;
        if (e.returnBool) op += ' bool';
        const m = e.matching;
        if (m) {
          op += ` ${m.on ? 'on' : 'ignoring'} (${m.labels.join(', ')})`;
          if (m.card === 'many-to-one') op += ` group_left (${m.include.join(', ')})`;
          if (m.card === 'one-to-many') op += ` group_right (${m.include.join(', ')})`;
        }
        return `(${print(e.lhs)}) ${op} (${print(e.rhs)})`;
      }
    }
  };
  return print(expr);
}

function selector(s: VectorSelector, extra: string): string {
  const parts: string[] = [];
  if (s.metric !== undefined && !s.matchers.some((m) => m.name === '__name__')) parts.push(`__name__=${quotePromQLString(s.metric)}`);
  for (const m of s.matchers) parts.push(`${m.name}${m.op}${quotePromQLString(m.value)}`);
  if (extra !== '') parts.push(extra);
  return `{${parts.join(', ')}}`;
}

function modifiers(m: Modifiers): string {
  return (m.offset !== undefined ? ` offset ${m.offset}` : '') + (m.at !== undefined ? ` @ ${m.at}` : '');
}

function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Inf';
  if (value === -Infinity) return '(-Inf)';
  if (Object.is(value, -0)) return '(-0)';
  return value < 0 ? `(${String(value)})` : String(value);
}
