import type { LoadedDocument } from './load/load-documents';
import type { Rule } from './types';

/**
 * What the cross-object rules of a run read (ADR 0163): kind → dotted paths, `undefined` paths for
 * a kind whose documents are kept whole. `keepAll` when a rule declares nothing (it may read
 * anything of any document).
 */
export interface ViewPlan {
  readonly keepAll: boolean;
  /** kind → paths (split at dots); a kind mapped to `'whole'` keeps its documents whole. */
  readonly paths: ReadonlyMap<string, ReadonlyArray<readonly string[]> | 'whole'>;
}

/** The union of what `rules` read of other documents; rules reading only their own document add nothing. */
export function planViews(rules: readonly Rule[]): ViewPlan {
  const paths = new Map<string, Array<readonly string[]> | 'whole'>();
  let keepAll = false;
  for (const rule of rules) {
    if (rule.reads === 'document') continue;
    if (rule.reads === undefined) {
      keepAll = true;
      continue;
    }
    for (const kind of Object.keys(rule.reads)) {
      for (const path of rule.reads[kind]!) {
        const known = paths.get(kind);
        if (path === '' || known === 'whole') paths.set(kind, 'whole');
        else if (known) known.push(path.split('.'));
        else paths.set(kind, [path.split('.')]);
      }
    }
  }
  return { keepAll, paths };
}

/**
 * The document as the cross-object rules see it once its file is done: the declared fields of its
 * kind (the same values, not copies), its `apiVersion` and `kind`, and what locating needs; the rest
 * of the parsed document is left to the garbage collector.
 */
export function viewOf(doc: LoadedDocument, plan: ViewPlan): LoadedDocument {
  const { pointerPrefix, start, end, startLine } = doc.chunk;
  const chunk = { value: undefined, start, end, startLine, pointerPrefix };
  const paths = plan.keepAll ? 'whole' : plan.paths.get(doc.object.kind ?? '');
  const value = paths === 'whole' ? doc.value : project(doc.value, paths ?? []);
  const view: LoadedDocument = { file: doc.file, index: doc.index, value, object: doc.object, chunk, locator: doc.locator };
  return doc.environment === undefined ? view : { ...view, environment: doc.environment };
}

function project(value: Readonly<Record<string, unknown>>, paths: ReadonlyArray<readonly string[]>): Record<string, unknown> {
  const out = viewMapping();
  if (Object.hasOwn(value, 'apiVersion')) out.apiVersion = value.apiVersion;
  if (Object.hasOwn(value, 'kind')) out.kind = value.kind;
  for (const path of paths) copyPath(value, out, path);
  return out;
}

/**
 * Copies `path` of `from` into `into`, creating the mappings on the way. Where the path meets
 * anything but a mapping (a list, a string) that value is copied as it is, so a rule reading the
 * view finds exactly what it would have found in the document.
 */
/** Prototype of the mappings a view creates (itself without prototype), to tell them from copied ones. */
const VIEW_MAPPING = Object.freeze(Object.create(null) as object);

function viewMapping(): Record<string, unknown> {
  return Object.create(VIEW_MAPPING) as Record<string, unknown>;
}

function copyPath(from: Readonly<Record<string, unknown>>, into: Record<string, unknown>, path: readonly string[]): void {
  let source: unknown = from;
  let target = into;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const record = source as Readonly<Record<string, unknown>>;
    if (!Object.hasOwn(record, key)) return;
    const next = record[key];
    if (i === path.length - 1 || next === null || typeof next !== 'object' || Array.isArray(next)) {
      target[key] = next;
      return;
    }
    const existing = target[key];
    // Another declared path already copied this mapping whole: it holds the rest of the path too.
    if (existing !== undefined && Object.getPrototypeOf(existing) !== VIEW_MAPPING) return;
    if (existing === undefined) target[key] = viewMapping();
    target = target[key] as Record<string, unknown>;
    source = next;
  }
}
