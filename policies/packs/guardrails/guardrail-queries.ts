import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  expandGrafanaQuery,
  findDashboardQueries,
  findRuleQueries,
  inlineQuery,
  valueToSourceOffsets,
  LineIndex,
  type FoundQuery,
} from '../../../analysis/promql';

/** A guardrail query as the experiment manifest carries it. */
export interface ManifestGuardrail {
  readonly name: string;
  readonly expr: string;
  /** `inline`, `file:line` (rule files) or `file: panel 'title' target A` (dashboards). */
  readonly source: string;
}

/** Reads a file for the guardrails pack; `undefined` when it does not exist. */
export type GuardrailFileReader = (file: string) => string | undefined;

/** Reads files relative to the working directory (the repository root when `phoenix check` runs there). */
export const readFileIfExists: GuardrailFileReader = (file) => {
  try {
    return fs.readFileSync(path.resolve(file), 'utf8');
  } catch {
    return undefined;
  }
};

/**
 * The guardrails of a manifest as found queries, each with the best position Phoenix can give:
 * the expression in its rule file or dashboard when that file can be read (so problems point at
 * file:line:column), else the `file:line` the manifest recorded; inline guardrails point into the
 * manifest file that carries them.
 */
export function guardrailQueries(guardrails: readonly ManifestGuardrail[], manifestFile: string, read: GuardrailFileReader): FoundQuery[] {
  const parsedFiles = new Map<string, readonly FoundQuery[] | undefined>();
  const queriesOf = (file: string, dashboard: boolean): readonly FoundQuery[] | undefined => {
    if (!parsedFiles.has(file)) {
      const text = read(file);
      parsedFiles.set(file, text === undefined ? undefined : (dashboard ? findDashboardQueries(file, text) : findRuleQueries(file, text)).queries);
    }
    return parsedFiles.get(file);
  };
  let manifestText: string | undefined | null = null;
  return guardrails.map((g) => {
    const ruleSource = /^(.+):(\d+)$/.exec(g.source);
    const dashboardSource = /^(.+?): panel /.exec(g.source);
    if (ruleSource || dashboardSource) {
      const file = (ruleSource ?? dashboardSource)![1]!;
      const found = queriesOf(file, dashboardSource !== null && ruleSource === null)?.find((q) => q.original === g.expr || q.expr === g.expr);
      if (found) return { ...found, origin: { ...found.origin, name: g.name } };
      if (ruleSource) return inlineQuery(g.expr, { file, line: Number(ruleSource[2]), column: 1, name: g.name });
      return unreadDashboardQuery(g, file);
    }
    if (manifestText === null) manifestText = read(manifestFile);
    return inManifest(g, manifestFile, manifestText);
  });
}

/** A dashboard guardrail whose file cannot be read: expanded like any panel query, placed at the file's start. */
function unreadDashboardQuery(g: ManifestGuardrail, file: string): FoundQuery {
  const expanded = expandGrafanaQuery(g.expr);
  const placed = inlineQuery(g.expr, { file, line: 1, column: 1, name: g.name });
  return { ...placed, expr: expanded.text, variables: expanded.variables, locate: (offset) => placed.locate(expanded.originalOffset(offset)) };
}

function inManifest(g: ManifestGuardrail, file: string, text: string | undefined): FoundQuery {
  const quoted = JSON.stringify(g.expr);
  const at = text?.indexOf(quoted) ?? -1;
  if (text === undefined || at < 0) return inlineQuery(g.expr, { file, line: 1, column: 1, name: g.name });
  const lines = new LineIndex(text);
  const offsets = valueToSourceOffsets(g.expr, text, at + 1, at + quoted.length - 1);
  const locate = (offset: number) => lines.positionOf(offsets[Math.max(0, Math.min(offset, g.expr.length))]!);
  return { expr: g.expr, original: g.expr, origin: { file, ...locate(0), source: 'inline', name: g.name }, variables: [], locate };
}
