import { isMap, isScalar, LineCounter, parseAllDocuments } from 'yaml';

/** A Grafana dashboard held in a ConfigMap `data` entry (the Grafana sidecar's format), with where its key is. */
export interface ConfigMapDashboard {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** `<namespace>/<name>` of the ConfigMap, and the data key holding the dashboard JSON. */
  readonly configMap: string;
  readonly key: string;
}

/**
 * The dashboards a YAML file holds as ConfigMap `data` entries whose key ends in `.json` and whose
 * value is a JSON object with `panels` or `rows` (how Helm charts such as kube-prometheus-stack ship
 * them to Grafana's sidecar). Phoenix reads dashboards from `*.json` files only, so a folder of
 * these would otherwise be read as holding no dashboard (ADR 0195). YAML that does not parse holds none.
 */
export function findConfigMapDashboards(file: string, text: string): ConfigMapDashboard[] {
  if (!/^kind:\s*["']?ConfigMap/m.test(text)) return [];
  const lineCounter = new LineCounter();
  const found: ConfigMapDashboard[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter, uniqueKeys: false })) {
    if (!('errors' in doc) || doc.errors.length > 0 || !isMap(doc.contents)) continue;
    if (doc.get('kind') !== 'ConfigMap') continue;
    const data = doc.get('data', true);
    if (!isMap(data)) continue;
    const metadata = doc.get('metadata', true);
    const name = isMap(metadata) ? String(metadata.get('name') ?? '') : '';
    const namespace = isMap(metadata) ? String(metadata.get('namespace') ?? '') : '';
    for (const pair of data.items) {
      if (!isScalar(pair.key) || typeof pair.key.value !== 'string' || !pair.key.value.endsWith('.json')) continue;
      if (!isScalar(pair.value) || typeof pair.value.value !== 'string' || !isDashboardJson(pair.value.value)) continue;
      const { line, col } = lineCounter.linePos(pair.key.range?.[0] ?? 0);
      found.push({ file, line, column: col, configMap: `${namespace}/${name}`, key: pair.key.value });
    }
  }
  return found;
}

function isDashboardJson(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) && ('panels' in value || 'rows' in value);
  } catch {
    return false;
  }
}
