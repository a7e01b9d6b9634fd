import { isDeepStrictEqual } from 'node:util';
import { LineCounter, parseAllDocuments, stringify } from 'yaml';
import { compactDiff } from './compact-diff';
import { maskObject } from './mask-secrets';
import type { EnvironmentChanges, ObjectChange } from './types';

/**
 * The objects a pull request adds, changes and removes in each environment, from the committed
 * `gitops/` trees of base and head. Objects are matched by environment and `Kind/namespace/name`
 * (not by file), so moving an object between files is no change. Kustomize files without a name are
 * matched by path. Values are masked before any diff is made.
 */

const EXPERIMENT_LABEL = 'phoenix.dev/experiment';

/** A parsed object of a tree. */
export interface TreeObject {
  readonly environment: string;
  readonly key: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly file: string;
  readonly line: number;
  readonly experiment?: string;
  readonly value: Record<string, unknown>;
}

/** `gitops/<section>/<env>/…` → env; files outside any environment folder belong to `(shared)`. */
export function environmentOf(file: string, root = 'gitops'): string {
  const parts = file.split('/');
  const offset = parts[0] === root ? 1 : 0;
  return parts.length > offset + 2 ? parts[offset + 1] : '(shared)';
}

function experimentOf(file: string, value: Record<string, unknown>, root: string): string | undefined {
  const labels = ((value.metadata as Record<string, unknown> | undefined)?.labels ?? {}) as Record<string, unknown>;
  if (typeof labels[EXPERIMENT_LABEL] === 'string') return labels[EXPERIMENT_LABEL] as string;
  const parts = file.split('/');
  const offset = parts[0] === root ? 1 : 0;
  return parts[offset] === 'experiments' && parts.length > offset + 3 ? parts[offset + 2] : undefined;
}

/** Parses the YAML files of a tree into objects; unparsable documents become a `problems` entry. */
export function parseTreeObjects(files: ReadonlyMap<string, string>, root = 'gitops'): { objects: Map<string, TreeObject>; problems: string[] } {
  const objects = new Map<string, TreeObject>();
  const problems: string[] = [];
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    if (!/\.ya?ml$/.test(file)) continue;
    const lineCounter = new LineCounter();
    const documents = parseAllDocuments(text, { lineCounter });
    documents.forEach((document, index) => {
      if (document.errors.length > 0) {
        const { line } = lineCounter.linePos(document.errors[0].pos[0]);
        problems.push(`${file}:${line}: ${document.errors[0].message.split('\n')[0]}`);
        return;
      }
      const value = document.toJS() as unknown;
      if (!value || typeof value !== 'object' || Array.isArray(value)) return;
      const record = value as Record<string, unknown>;
      const metadata = (record.metadata ?? {}) as Record<string, unknown>;
      const kind = typeof record.kind === 'string' ? record.kind : 'Document';
      const name = typeof metadata.name === 'string' ? metadata.name : undefined;
      const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
      const environment = environmentOf(file, root);
      const key = name ? `${kind}/${namespace ?? ''}/${name}` : `${kind}/${file}#${index}`;
      const line = document.contents ? lineCounter.linePos(document.contents.range[0]).line : 1;
      objects.set(`${environment}\0${key}`, { environment, key, kind, name: name ?? file, namespace, file, line, experiment: experimentOf(file, record, root), value: record });
    });
  }
  return { objects, problems };
}

const USUAL_ORDER = ['dev', 'staging', 'prod'];

/** dev, staging, prod first (the usual promotion order), then the others by name. */
function byPromotionOrder(a: string, b: string): number {
  const rank = (env: string) => (USUAL_ORDER.includes(env) ? USUAL_ORDER.indexOf(env) : USUAL_ORDER.length);
  return rank(a) - rank(b) || a.localeCompare(b);
}

function dump(value: Record<string, unknown>): string {
  return stringify(value, { lineWidth: 0, sortMapEntries: false });
}

/** Compares the objects of two trees, per environment, in a stable order. */
export function diffGitopsTrees(base: ReadonlyMap<string, string>, head: ReadonlyMap<string, string>, root = 'gitops'): { environments: EnvironmentChanges[]; problems: string[] } {
  const before = parseTreeObjects(base, root);
  const after = parseTreeObjects(head, root);
  const changes: ObjectChange[] = [];
  const change = (kind: ObjectChange['change'], object: TreeObject, diff: string): ObjectChange => ({
    change: kind,
    environment: object.environment,
    key: object.key,
    kind: object.kind,
    name: object.name,
    namespace: object.namespace,
    file: object.file,
    line: object.line,
    experiment: object.experiment,
    diff,
  });
  for (const [id, object] of after.objects) {
    const previous = before.objects.get(id);
    if (!previous) changes.push(change('added', object, compactDiff('', dump(maskObject(object.value)), { context: 0 })));
    else if (!isDeepStrictEqual(previous.value, object.value)) {
      changes.push(change('changed', object, compactDiff(dump(maskObject(previous.value)), dump(maskObject(object.value, previous.value)))));
    }
  }
  for (const [id, object] of before.objects) {
    if (!after.objects.has(id)) changes.push(change('removed', object, compactDiff(dump(maskObject(object.value)), '', { context: 0 })));
  }
  const byEnvironment = new Map<string, ObjectChange[]>();
  for (const item of changes) byEnvironment.set(item.environment, [...(byEnvironment.get(item.environment) ?? []), item]);
  const order = (items: ObjectChange[], kind: ObjectChange['change']) => items.filter((c) => c.change === kind).sort((a, b) => a.key.localeCompare(b.key));
  const environments = [...byEnvironment.keys()].sort(byPromotionOrder).map((environment) => {
    const items = byEnvironment.get(environment) ?? [];
    return { environment, added: order(items, 'added'), changed: order(items, 'changed'), removed: order(items, 'removed') };
  });
  return { environments, problems: [...before.problems.map((p) => `base ${p}`), ...after.problems.map((p) => `head ${p}`)] };
}
