import { loadAll } from 'js-yaml';
import { emitYaml } from './emit-yaml';
import { unifiedLineDiff } from './line-diff';
import { objectKey, type KubeObject } from './layout';

/** A tree as path → file content (tree-relative, `/`-separated), e.g. two checkouts of `gitops/`. */
export type TreeFiles = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/** One object that differs between the trees. */
export interface ObjectChange {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** The file the object is in (head's, or base's when removed). */
  readonly file: string;
  /** For changed objects: compact YAML diff lines (' ', '-', '+', '@@'); Secret values masked. */
  readonly diff?: readonly string[];
}

/** The changes of one environment (or `tree` for files outside any environment folder), each an `ObjectChange` or a richer form of one. */
export interface EnvironmentDiff<C = ObjectChange> {
  readonly environment: string;
  readonly added: readonly C[];
  readonly changed: readonly C[];
  readonly removed: readonly C[];
}

/** Objects added, changed and removed per environment between two trees. */
export interface TreeDiff {
  readonly environments: readonly EnvironmentDiff[];
  /** Files that are not valid YAML, with the parser's message; their objects are not compared. */
  readonly unreadable: ReadonlyArray<{ readonly side: 'base' | 'head'; readonly file: string; readonly message: string }>;
}

interface Located {
  readonly environment: string;
  readonly key: string;
  readonly object: Record<string, any>;
  readonly file: string;
}

const MASK = '***';

/**
 * Compares two trees object by object (kind, namespace and name within an environment), so a
 * reviewer sees what each cluster will get: added, changed (compact YAML diff) and removed
 * objects. Pure: no I/O. Environments come from the paths (`clusters/<env>/`,
 * `experiments/<env>/`, `infrastructure/<env>/`), ordered as `environmentOrder` lists them
 * and then by name. Secret `data` / `stringData` values never appear: a changed value shows
 * as `*** (changed)`. Documents without kind and name (kustomization.yaml) are skipped.
 */
export function diffTrees(baseFiles: TreeFiles, headFiles: TreeFiles, environmentOrder: readonly string[] = []): TreeDiff {
  const unreadable: Array<{ side: 'base' | 'head'; file: string; message: string }> = [];
  const base = index(entries(baseFiles), 'base', unreadable);
  const head = index(entries(headFiles), 'head', unreadable);
  const byEnvironment = new Map<string, { added: ObjectChange[]; changed: ObjectChange[]; removed: ObjectChange[] }>();
  const bucket = (environment: string) => {
    let found = byEnvironment.get(environment);
    if (!found) byEnvironment.set(environment, (found = { added: [], changed: [], removed: [] }));
    return found;
  };
  for (const [id, after] of head) {
    const before = base.get(id);
    if (!before) {
      bucket(after.environment).added.push(describe(after));
      continue;
    }
    const [maskedBefore, maskedAfter] = maskSecrets(before.object, after.object);
    if (canonical(before.object) === canonical(after.object)) continue;
    bucket(after.environment).changed.push({ ...describe(after), diff: unifiedLineDiff(emitYaml(maskedBefore), emitYaml(maskedAfter)) });
  }
  for (const [id, before] of base) if (!head.has(id)) bucket(before.environment).removed.push(describe(before));
  const rank = (name: string) => (environmentOrder.includes(name) ? environmentOrder.indexOf(name) : environmentOrder.length);
  const environments = [...byEnvironment.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([environment, changes]) => ({ environment, ...changes }));
  return { environments, unreadable };
}

/** True when the trees hold the same objects. */
export function isEmptyDiff(diff: TreeDiff): boolean {
  return diff.environments.length === 0 && diff.unreadable.length === 0;
}

/** The environment a tree path belongs to, or `tree` for anything else. */
export function environmentOfPath(file: string): string {
  const match = file.match(/^(?:clusters|experiments|infrastructure)\/([^/]+)\//);
  return match ? match[1] : 'tree';
}

function entries(files: TreeFiles): Array<[string, string]> {
  const list = files instanceof Map ? [...files.entries()] : Object.entries(files as Record<string, string>);
  return list.filter(([file]) => /\.ya?ml$/.test(file)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function index(
  files: Array<[string, string]>,
  side: 'base' | 'head',
  unreadable: Array<{ side: 'base' | 'head'; file: string; message: string }>,
): Map<string, Located> {
  const out = new Map<string, Located>();
  for (const [file, text] of files) {
    let documents: unknown[];
    try {
      documents = loadAll(text);
    } catch (error) {
      unreadable.push({ side, file, message: (error as Error).message.split('\n')[0] });
      continue;
    }
    const environment = environmentOfPath(file);
    for (const document of documents) {
      if (!isObject(document)) continue;
      const key = objectKey(document as unknown as KubeObject);
      let id = `${environment}|${key}`;
      if (out.has(id)) id = `${id}|${file}`;
      out.set(id, { environment, key, object: document, file });
    }
  }
  return out;
}

function isObject(document: unknown): document is Record<string, any> & { kind: string; metadata: { name: string; namespace?: string } } {
  const value = document as Record<string, any> | null;
  return (
    !!value &&
    typeof value === 'object' &&
    typeof value.kind === 'string' &&
    typeof value.metadata?.name === 'string' &&
    value.apiVersion !== 'kustomize.config.k8s.io/v1beta1'
  );
}

function describe(located: Located): ObjectChange {
  const { kind, metadata } = located.object;
  return { kind, name: metadata.name, ...(metadata.namespace ? { namespace: metadata.namespace } : {}), file: located.file };
}

/** Copies of both objects with Secret values replaced; a value that differs shows as `*** (changed)` on the head side. */
function maskSecrets(before: Record<string, any>, after: Record<string, any>): [Record<string, any>, Record<string, any>] {
  if (before.kind !== 'Secret' && after.kind !== 'Secret') return [before, after];
  const maskedBefore = { ...before };
  const maskedAfter = { ...after };
  for (const field of ['data', 'stringData']) {
    const a = (before[field] ?? {}) as Record<string, unknown>;
    const b = (after[field] ?? {}) as Record<string, unknown>;
    if (before[field]) maskedBefore[field] = Object.fromEntries(Object.keys(a).map((key) => [key, MASK]));
    if (after[field]) maskedAfter[field] = Object.fromEntries(Object.keys(b).map((key) => [key, key in a && a[key] !== b[key] ? `${MASK} (changed)` : MASK]));
  }
  return [maskedBefore, maskedAfter];
}

/** A key-order-independent rendering, for equality. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.keys(inner)
            .sort()
            .map((key) => [key, inner[key]]),
        )
      : inner,
  );
}
