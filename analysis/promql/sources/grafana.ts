import { LineIndex } from '../position';
import { expandGrafanaQuery, type GrafanaExpansionOptions } from './expand';
import type { FoundQueries, FoundQuery, SourceProblem } from './found-query';
import { JsonSyntaxError, parseLocatedJson, type LocatedJson } from './json';
import { valueToSourceOffsets } from './locate';

/**
 * Finds the Prometheus queries of a Grafana dashboard JSON file: `panels[].targets[].expr`,
 * including panels nested in rows (`panels[].panels[]`, legacy `rows[].panels[]`), of a dashboard
 * or of an API export (`{ "dashboard": … }`). Targets of non-Prometheus data sources are skipped;
 * macros and template variables are expanded (see {@link expandGrafanaQuery}).
 */
export function findDashboardQueries(file: string, text: string, options: GrafanaExpansionOptions = {}): FoundQueries {
  const lines = new LineIndex(text);
  let located: LocatedJson;
  try {
    located = parseLocatedJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      return { queries: [], problems: [{ file, ...lines.positionOf(error.offset), message: `invalid JSON: ${error.message}` }] };
    }
    throw error;
  }
  const problems: SourceProblem[] = [];
  const queries: FoundQuery[] = [];
  let dashboard = asObject(located.value);
  if (dashboard && asObject(dashboard.dashboard)) dashboard = asObject(dashboard.dashboard);
  if (!dashboard || (!Array.isArray(dashboard.panels) && !Array.isArray(dashboard.rows))) {
    return { queries, problems: [{ file, line: 1, column: 1, message: 'not a Grafana dashboard: expected "panels" (or "rows")' }] };
  }
  const title = typeof dashboard.title === 'string' ? dashboard.title : undefined;
  const dashboardDatasource = datasourceType(dashboard.datasource);
  const visitPanel = (panel: Record<string, unknown>): void => {
    for (const nested of asArray(panel.panels)) {
      const p = asObject(nested);
      if (p) visitPanel(p);
    }
    const panelTitle = typeof panel.title === 'string' && panel.title !== '' ? panel.title : `panel ${String(panel.id ?? '?')}`;
    const panelDatasource = datasourceType(panel.datasource) ?? dashboardDatasource;
    for (const t of asArray(panel.targets)) {
      const target = asObject(t);
      if (!target || typeof target.expr !== 'string' || target.expr.trim() === '') continue;
      const type = datasourceType(target.datasource) ?? panelDatasource;
      if (type !== undefined && type !== 'prometheus' && !type.startsWith('$') && !type.startsWith('-- Mixed')) continue;
      const span = located.spans.get(target)?.expr;
      queries.push(
        grafanaQuery(file, text, lines, target.expr, span ?? [0, 0], options, {
          name: panelTitle,
          ...(title ? { group: title } : {}),
          ...(typeof target.refId === 'string' ? { refId: target.refId } : {}),
        }),
      );
    }
  };
  for (const panel of asArray(dashboard.panels)) {
    const p = asObject(panel);
    if (p) visitPanel(p);
  }
  for (const row of asArray(dashboard.rows)) {
    const r = asObject(row);
    if (r) visitPanel(r);
  }
  return { queries, problems };
}

function grafanaQuery(
  file: string,
  text: string,
  lines: LineIndex,
  original: string,
  span: readonly [number, number],
  options: GrafanaExpansionOptions,
  origin: { name: string; group?: string; refId?: string },
): FoundQuery {
  const expanded = expandGrafanaQuery(original, options);
  let offsets: number[] | undefined;
  const locate = (offset: number) => {
    offsets ??= valueToSourceOffsets(original, text, span[0] + 1, span[1] - 1);
    const inOriginal = expanded.originalOffset(Math.max(0, Math.min(offset, expanded.text.length)));
    return lines.positionOf(offsets[Math.min(inOriginal, original.length)]!);
  };
  const firstChar = Math.max(0, expanded.text.search(/\S/));
  return { expr: expanded.text, original, origin: { file, ...locate(firstChar), source: 'grafana', ...origin }, variables: expanded.variables, locate };
}

function datasourceType(ds: unknown): string | undefined {
  if (typeof ds === 'string') return ds === '' ? undefined : ds.startsWith('$') ? ds : undefined;
  const o = asObject(ds);
  return o && typeof o.type === 'string' ? o.type : undefined;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
