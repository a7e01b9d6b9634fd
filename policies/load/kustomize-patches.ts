import * as path from 'node:path';
import type { LoadedDocument } from './load-documents';

/**
 * The files that a kustomize `kustomization.yaml` among the documents names as patches
 * (`patches[].path`, `patchesStrategicMerge[]`, `patchesJson6902[].path`), as the documents name
 * their files. Such a file holds a partial object that kustomize merges into one of its resources
 * (flux2-multi-tenancy's `tenants/staging/dev-team-patch.yaml` sets only `spec.path` of a Flux
 * Kustomization), never an object of its own: checking it as one reports fields it leaves out on
 * purpose. The merged object is checked where its resource is.
 */
export function kustomizePatchFiles(documents: readonly LoadedDocument[]): Set<string> {
  const patches = new Set<string>();
  for (const doc of documents) {
    if (doc.object.kind !== 'Kustomization' || !doc.object.apiVersion?.startsWith('kustomize.config.k8s.io/')) continue;
    const folder = path.posix.dirname(doc.file);
    const add = (file: unknown) => {
      // an inline patch (a YAML string with a newline) or a URL is not a file of the tree
      if (typeof file !== 'string' || file === '' || file.includes('\n') || /^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return;
      patches.add(path.posix.normalize(path.posix.join(folder, file)));
    };
    for (const entry of asArray(doc.value.patches)) add(isObject(entry) ? entry.path : undefined);
    for (const entry of asArray(doc.value.patchesJson6902)) add(isObject(entry) ? entry.path : undefined);
    for (const entry of asArray(doc.value.patchesStrategicMerge)) add(entry);
  }
  return patches;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
