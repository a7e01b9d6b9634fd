import * as path from 'node:path';

/** Where a Flux `spec.path` points inside the repository, or why it leaves it. */
export type RepositoryPath = { readonly relative: string } | { readonly outside: string };

/**
 * Resolves a Flux Kustomization `spec.path` against the repository root, lexically (no file system):
 * `./apps/web` → `apps/web`, `./` → `.`. A path that climbs above the root (`../../etc`) or is
 * absolute (`/etc`) leaves the repository: Flux paths are relative to the source's root, so such a
 * path names a folder the repository does not hold. `phoenix check` and the review both use this.
 */
export function resolveRepositoryPath(specPath: string): RepositoryPath {
  if (specPath.startsWith('/') || /^[A-Za-z]:[\\/]/.test(specPath) || specPath.startsWith('\\')) {
    return { outside: 'is absolute; Flux paths are relative to the repository root' };
  }
  const normalized = path.posix.normalize(specPath.replace(/\\/g, '/'));
  if (normalized === '..' || normalized.startsWith('../')) return { outside: 'climbs above the repository root' };
  return { relative: normalized.replace(/\/+$/, '') || '.' };
}
