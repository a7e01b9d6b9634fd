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
  const variables = templateVariables(dashboard);
  const datasourceType = (ds: unknown) => datasourceTypeOf(ds, variables.datasources);
  if (variables.values.size > 0) options = { ...options, values: variables.values };
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

/**
 * A data source's plugin type: `{ type }`, or a `$var` / `${var}` reference (as a string or a
 * `uid`) resolved through the dashboard's data source variable (`type: datasource`, `query: loki`),
 * else the reference itself (a variable Phoenix cannot resolve is read as Prometheus).
 */
function datasourceTypeOf(ds: unknown, datasources: ReadonlyMap<string, string>): string | undefined {
  const o = asObject(ds);
  if (o && typeof o.type === 'string') return o.type;
  const ref = typeof ds === 'string' ? ds : o && typeof o.uid === 'string' ? o.uid : '';
  if (!ref.startsWith('$')) return undefined;
  const name = /^\$\{?([A-Za-z0-9_]+)/.exec(ref)?.[1];
  return (name !== undefined ? datasources.get(name) : undefined) ?? ref;
}

/**
 * The dashboard's `templating.list` and `__inputs`: the plugin type of each data source variable
 * or input (`query`, or `pluginId` as exports write it), and the value
 * of each single-valued `custom`, `constant` or `textbox` variable (its current value; a constant's query).
 */
function templateVariables(dashboard: Record<string, unknown>): { datasources: Map<string, string>; values: Map<string, string> } {
  const datasources = new Map<string, string>();
  const values = new Map<string, string>();
  const pluginOf = (v: Record<string, unknown>) => [v.query, v.pluginId].find((p): p is string => typeof p === 'string' && p !== '');
  // a dashboard exported for sharing names its data sources as inputs: `${DS_LOKI}` with pluginId loki
  for (const item of asArray(dashboard.__inputs)) {
    const input = asObject(item);
    const plugin = input && input.type === 'datasource' ? pluginOf(input) : undefined;
    if (input && typeof input.name === 'string' && plugin !== undefined) datasources.set(input.name, plugin);
  }
  for (const item of asArray(asObject(dashboard.templating)?.list)) {
    const v = asObject(item);
    if (!v || typeof v.name !== 'string') continue;
    const plugin = v.type === 'datasource' ? pluginOf(v) : undefined;
    if (plugin !== undefined) datasources.set(v.name, plugin);
    if ((v.type !== 'custom' && v.type !== 'constant' && v.type !== 'textbox') || v.multi === true || v.includeAll === true) continue;
    const current = asObject(v.current)?.value;
    const value = Array.isArray(current) && current.length === 1 ? current[0] : current;
    if (typeof value === 'string' && value !== '' && !value.startsWith('$')) values.set(v.name, value);
    else if (v.type === 'constant' && typeof v.query === 'string' && v.query !== '') values.set(v.name, v.query);
  }
  return { datasources, values };
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
