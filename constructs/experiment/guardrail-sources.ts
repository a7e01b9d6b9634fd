import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';
import { findPromqlSyntaxError, withoutGrafanaVariables } from './promql-syntax';

/** A guardrail query found in a file or given inline, with where it came from. */
export interface SourcedQuery {
  readonly name: string;
  readonly expr: string;
  /** `inline`, or `file:line` (rule files) / `file: panel 'title' target A` (dashboards). */
  readonly source: string;
}

/** Result of reading a guardrail source: its queries and one message per problem. */
export interface SourceReadResult {
  readonly queries: SourcedQuery[];
  readonly problems: string[];
}

/**
 * The `expr` of every recording and alerting rule in a Prometheus rule file, each checked for
 * PromQL syntax; problems name `file:line:column`.
 */
export function queriesFromRuleFile(text: string, file: string): SourceReadResult {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  if (document.errors.length > 0) {
    const error = document.errors[0];
    return { queries: [], problems: [`${file}:${lineCounter.linePos(error.pos[0]).line}: malformed YAML: ${error.message.split('\n')[0]}`] };
  }
  const queries: SourcedQuery[] = [];
  const problems: string[] = [];
  const groups = isMap(document.contents) ? document.contents.get('groups', true) : undefined;
  if (!isSeq(groups)) return { queries, problems: [`${file}:1: not a Prometheus rule file: expected 'groups:' with a list of rule groups`] };
  for (const group of groups.items) {
    const rules = isMap(group) ? group.get('rules', true) : undefined;
    if (!isSeq(rules)) continue;
    for (const rule of rules.items) {
      if (!isMap(rule)) continue;
      const exprNode = rule.get('expr', true) as Node | undefined;
      if (!isScalar(exprNode)) continue;
      const expr = String(exprNode.value);
      const name = String(rule.get('alert') ?? rule.get('record') ?? 'rule');
      const start = exprNode.range?.[0] ?? 0;
      const position = lineCounter.linePos(start);
      const source = `${file}:${position.line}`;
      queries.push({ name, expr, source });
      const error = findPromqlSyntaxError(expr);
      if (error) {
        // Block scalars start on the next line; quoted or plain ones where the node starts.
        const blockScalar = exprNode.type === 'BLOCK_LITERAL' || exprNode.type === 'BLOCK_FOLDED';
        const line = position.line + (blockScalar ? error.line : error.line - 1);
        const quoted = exprNode.type === 'QUOTE_DOUBLE' || exprNode.type === 'QUOTE_SINGLE';
        const indent = (text.split('\n')[line - 1] ?? '').search(/\S|$/);
        const column = blockScalar || error.line > 1 ? indent + error.column : position.col + (quoted ? 1 : 0) + error.column - 1;
        problems.push(`${file}:${line}:${column}: rule '${name}': PromQL syntax error near '${error.near}'`);
      }
    }
  }
  return { queries, problems };
}

interface DashboardPanel {
  readonly title?: string;
  readonly id?: number;
  readonly targets?: { expr?: unknown; refId?: string }[];
  readonly panels?: DashboardPanel[];
}

/**
 * The Prometheus `expr` of every panel target in a Grafana dashboard (JSON, rows included),
 * checked for PromQL syntax after template variables are replaced; problems name the panel and target.
 */
export function queriesFromDashboard(text: string, file: string): SourceReadResult {
  let dashboard: { panels?: DashboardPanel[]; dashboard?: { panels?: DashboardPanel[] } };
  try {
    dashboard = JSON.parse(text);
  } catch (error) {
    return { queries: [], problems: [`${file}: not valid JSON: ${(error as Error).message}`] };
  }
  const queries: SourcedQuery[] = [];
  const problems: string[] = [];
  const visit = (panels: readonly DashboardPanel[]) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        if (typeof target.expr !== 'string' || target.expr.trim() === '') continue;
        const where = `${file}: panel '${panel.title ?? panel.id ?? '?'}' target ${target.refId ?? '?'}`;
        queries.push({ name: `${panel.title ?? 'panel'} ${target.refId ?? ''}`.trim(), expr: target.expr, source: where });
        const error = findPromqlSyntaxError(withoutGrafanaVariables(target.expr));
        if (error) problems.push(`${where}: PromQL syntax error at ${error.line}:${error.column} near '${error.near}'`);
      }
      visit(panel.panels ?? []);
    }
  };
  visit(dashboard.panels ?? dashboard.dashboard?.panels ?? []);
  return { queries, problems };
}
