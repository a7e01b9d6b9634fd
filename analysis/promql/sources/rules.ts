import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node, type Scalar, type YAMLMap } from 'yaml';
import { LineIndex } from '../position';
import type { FoundQueries, FoundQuery, SourceProblem } from './found-query';
import { valueToSourceOffsets } from './locate';

/**
 * Finds the queries of a Prometheus rule file (`groups: [{ name, rules: [{ alert|record, expr }] }]`)
 * or of `PrometheusRule` objects (`spec.groups`), in one or many YAML documents. Every `expr` comes
 * with its file position; YAML errors and rules without an `expr` are problems, not skipped.
 */
export function findRuleQueries(file: string, text: string): FoundQueries {
  const lines = new LineIndex(text);
  const queries: FoundQuery[] = [];
  const problems: SourceProblem[] = [];
  const problemAt = (offset: number, message: string): void => {
    problems.push({ file, ...lines.positionOf(offset), message });
  };
  const lineCounter = new LineCounter();
  for (const doc of parseAllDocuments(text, { lineCounter, keepSourceTokens: false })) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) problemAt(e.pos[0], `invalid YAML: ${e.message.split('\n')[0]}`);
      continue;
    }
    const root = doc.contents;
    // an empty document, `null` or `~`: promtool accepts it as a file without groups
    if (root === null || root === undefined || (isScalar(root) && root.value === null)) continue;
    if (!isMap(root)) {
      problemAt(root.range?.[0] ?? 0, 'expected a rule file (groups:) or a PrometheusRule object');
      continue;
    }
    // `{}`: promtool accepts a mapping without groups as a file without rules (the rendered
    // rules.yaml of many monitoring mixins is exactly this)
    if (root.items.length === 0) continue;
    const kind = scalarValue(root.get('kind', true));
    let groups: unknown = root.get('groups', true);
    let source: 'rule-file' | 'prometheus-rule' = 'rule-file';
    if (kind === 'PrometheusRule') {
      source = 'prometheus-rule';
      const spec = root.get('spec', true);
      groups = isMap(spec) ? spec.get('groups', true) : undefined;
    } else if (kind !== undefined) {
      continue; // another Kubernetes object in a multi-document file: not a rule source
    }
    // `groups:` or `groups: null`, accepted by promtool as no groups
    if (source === 'rule-file' && root.has('groups') && (groups === null || (isScalar(groups) && groups.value === null))) continue;
    if (!isSeq(groups)) {
      problemAt(root.range?.[0] ?? 0, `no rule groups found: expected ${source === 'prometheus-rule' ? 'spec.groups' : 'groups'} to be a list`);
      continue;
    }
    for (const group of groups.items) {
      if (!isMap(group)) continue;
      const groupName = scalarValue(group.get('name', true));
      const rules = group.get('rules', true);
      if (!isSeq(rules)) continue;
      for (const rule of rules.items) {
        if (!isMap(rule)) continue;
        const alert = scalarValue(rule.get('alert', true));
        const name = alert ?? scalarValue(rule.get('record', true));
        const exprNode = rule.get('expr', true);
        if (!isScalar(exprNode) || (typeof exprNode.value !== 'string' && typeof exprNode.value !== 'number')) {
          problemAt((rule as YAMLMap).range?.[0] ?? 0, `rule ${name ?? '(unnamed)'} has no expr`);
          continue;
        }
        const kind = alert !== undefined ? 'alert' : name !== undefined ? 'record' : undefined;
        queries.push(
          scalarQuery(file, text, lines, exprNode, {
            source,
            ...(name ? { name } : {}),
            ...(groupName ? { group: groupName } : {}),
            ...(kind ? { rule: kind } : {}),
          }),
        );
      }
    }
  }
  return { queries, problems };
}

function scalarValue(node: unknown): string | undefined {
  return isScalar(node as Node) && (node as Scalar).value !== null ? String((node as Scalar).value) : undefined;
}

/** A found query for a YAML scalar, with positions mapped through the scalar's source text. */
export function scalarQuery(
  file: string,
  text: string,
  lines: LineIndex,
  node: Scalar,
  origin: { source: 'rule-file' | 'prometheus-rule' | 'inline'; name?: string; group?: string; rule?: 'alert' | 'record' },
): FoundQuery {
  const expr = String(node.value);
  const [start0, , to] = node.range ?? [0, 0, 0];
  const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
  const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
  const from = block ? text.indexOf('\n', start0) + 1 : quoted ? start0 + 1 : start0;
  let offsets: number[] | undefined;
  const locate = (offset: number) => {
    offsets ??= valueToSourceOffsets(expr, text, from, to);
    return lines.positionOf(offsets[Math.max(0, Math.min(offset, expr.length))]!);
  };
  const firstChar = expr.search(/\S/);
  const startPosition = locate(firstChar < 0 ? 0 : firstChar);
  return { expr, original: expr, origin: { file, ...startPosition, ...origin }, variables: [], locate };
}
