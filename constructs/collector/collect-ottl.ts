import type { CollectorConfig } from './config';

/** One piece of OTTL text found in a collector config. */
export interface OttlText {
  /** Config path of the text, e.g. `['processors', 'filter', 'metrics', 'metric', '0']`. */
  readonly path: readonly string[];
  /** A statement (editor call) or a condition (boolean expression). */
  readonly kind: 'statement' | 'condition';
  readonly text: string;
}

/**
 * Every OTTL statement and condition of the components that carry OTTL (filter, transform,
 * routing), so they can be parsed or checked together.
 */
export function collectOttl(config: CollectorConfig): OttlText[] {
  const out: OttlText[] = [];
  const strings = (value: unknown, path: string[], kind: OttlText['kind']) => {
    if (!Array.isArray(value)) return;
    value.forEach((text, i) => {
      if (typeof text === 'string') out.push({ path: [...path, String(i)], kind, text });
    });
  };
  for (const [id, body] of Object.entries(config.processors ?? {})) {
    if (!isRecord(body)) continue;
    const type = id.split('/')[0];
    const base = ['processors', id];
    if (type === 'filter') {
      if (isRecord(body.metrics)) {
        for (const key of ['metric', 'datapoint', 'resource']) strings(body.metrics[key], [...base, 'metrics', key], 'condition');
      }
      groups(body.metric_conditions, [...base, 'metric_conditions'], 'conditions', 'condition', out);
    } else if (type === 'transform') {
      groups(body.metric_statements, [...base, 'metric_statements'], 'statements', 'statement', out);
      groups(body.metric_statements, [...base, 'metric_statements'], 'conditions', 'condition', out);
    }
  }
  for (const [id, body] of Object.entries(config.connectors ?? {})) {
    if (!isRecord(body) || id.split('/')[0] !== 'routing' || !Array.isArray(body.table)) continue;
    body.table.forEach((route, i) => {
      if (!isRecord(route)) return;
      const path = ['connectors', id, 'table', String(i)];
      if (typeof route.condition === 'string') out.push({ path: [...path, 'condition'], kind: 'condition', text: route.condition });
      if (typeof route.statement === 'string') out.push({ path: [...path, 'statement'], kind: 'statement', text: route.statement });
    });
  }
  return out;
}

function groups(value: unknown, path: string[], field: string, kind: OttlText['kind'], out: OttlText[]): void {
  if (!Array.isArray(value)) return;
  value.forEach((group, g) => {
    if (typeof group === 'string') {
      out.push({ path: [...path, String(g)], kind, text: group });
      return;
    }
    if (!isRecord(group) || !Array.isArray(group[field])) return;
    (group[field] as unknown[]).forEach((text, i) => {
      if (typeof text === 'string') out.push({ path: [...path, String(g), field, String(i)], kind, text });
    });
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
