import { LineCounter, parseAllDocuments, stringify } from 'yaml';
import { diffTrees, environmentOfPath, type ObjectChange as GeneratorObjectChange } from '../../../generators/tree-diff';
import { maskObject, maskText } from './mask-secrets';
import type { EnvironmentChanges, ObjectChange, ObjectLocation } from './types';
import { EXPERIMENT_OBJECT_LABEL } from '../../../analysis/labels';

/**
 * The objects a pull request adds, changes and removes in each environment, from the committed
 * `gitops/` trees of base and head. Objects are matched by environment and `Kind/namespace/name`
 * (not by file), so moving an object between files is no change. Values are masked before any
 * diff is shown.
 */

/** A parsed object of a tree. */
export interface TreeObject extends ObjectLocation {
  readonly value: Record<string, unknown>;
}

/** The environment of a repository path, as the generator names it (`gitops/experiments/prod/…` → `prod`, else `tree`). */
export function environmentOf(file: string, root = 'gitops'): string {
  return environmentOfPath(file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file);
}

function experimentOf(file: string, value: Record<string, unknown>, root: string): string | undefined {
  const labels = ((value.metadata as Record<string, unknown> | undefined)?.labels ?? {}) as Record<string, unknown>;
  if (typeof labels[EXPERIMENT_OBJECT_LABEL] === 'string') return labels[EXPERIMENT_OBJECT_LABEL] as string;
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
      objects.set(`${environment}\0${key}`, {
        environment,
        key,
        kind,
        name: name ?? file,
        namespace,
        file,
        line,
        experiment: experimentOf(file, record, root),
        value: record,
      });
    });
  }
  return { objects, problems };
}

const USUAL_ORDER = ['dev', 'staging', 'prod'];

function dump(value: Record<string, unknown>): string {
  return stringify(value, { lineWidth: 0, sortMapEntries: false });
}

function prefixed(prefix: '+' | '-', text: string, maxLines = 60): string {
  const lines = text.replace(/\n$/, '').split('\n');
  const shown = lines.slice(0, maxLines).map((line) => `${prefix}${line}`);
  if (lines.length > maxLines) shown.push(`… ${lines.length - maxLines} more lines`);
  return shown.join('\n');
}

/** Masks credential-looking values on diff lines (`-`/`+`/` ` prefixes kept). */
function maskDiffLines(lines: readonly string[]): string {
  return lines.map((line) => (line === '@@' ? line : `${line[0]}${maskText(line.slice(1))}`)).join('\n');
}

/**
 * Compares the objects of two trees, per environment, with the generator's `diffTrees` (which
 * matches objects and diffs changed ones with Secret values masked), and adds what a review needs on
 * top: repository paths, the line of each object, its experiment, the masked body of added and
 * removed objects, and credential masking inside embedded configs.
 */
export function diffGitopsTrees(
  base: ReadonlyMap<string, string>,
  head: ReadonlyMap<string, string>,
  root = 'gitops',
): { environments: EnvironmentChanges[]; problems: string[] } {
  const strip = (files: ReadonlyMap<string, string>) =>
    new Map([...files].filter(([file]) => file.startsWith(`${root}/`)).map(([file, text]) => [file.slice(root.length + 1), text]));
  const diff = diffTrees(strip(base), strip(head), USUAL_ORDER);
  const before = indexByFile(parseTreeObjects(base, root).objects);
  const after = indexByFile(parseTreeObjects(head, root).objects);
  const convert = (kind: ObjectChange['change'], environment: string, change: GeneratorObjectChange): ObjectChange => {
    const key = `${change.kind}/${change.namespace ?? ''}/${change.name}`;
    const file = `${root}/${change.file}`;
    const located = (kind === 'removed' ? before : after).get(`${file}\0${key}`);
    let text = '';
    if (kind === 'changed') text = maskDiffLines(change.diff ?? []);
    else if (located) text = prefixed(kind === 'added' ? '+' : '-', dump(maskObject(located.value)));
    return {
      change: kind,
      environment,
      key,
      kind: change.kind,
      name: change.name,
      namespace: change.namespace,
      file,
      line: located?.line ?? 1,
      experiment: located?.experiment,
      diff: text,
    };
  };
  const environments = diff.environments.map((env) => ({
    environment: env.environment,
    added: env.added.map((c) => convert('added', env.environment, c)),
    changed: env.changed.map((c) => convert('changed', env.environment, c)),
    removed: env.removed.map((c) => convert('removed', env.environment, c)),
  }));
  return { environments, problems: diff.unreadable.map((u) => `${u.side} ${root}/${u.file}: ${u.message}`) };
}

function indexByFile(objects: ReadonlyMap<string, TreeObject>): Map<string, TreeObject> {
  return new Map([...objects.values()].map((object) => [`${object.file}\0${object.key}`, object]));
}
