import { isRecord } from '../../collector-configs';
import { normalizeGitUrl } from '../../load/home-repository';
import type { Rule, RuleContext, SourceDocument } from '../../types';
import { isFluxKustomization, specOf } from './flux-objects';
import { resolveRepositoryPath } from './repository-path';
import { isBootstrapSource } from './source-ref';

/** A Kustomization pointing at a missing folder fails to build on every reconcile. */
export const pathExists: Rule = {
  id: 'flux/path-exists',
  severity: 'error',
  reads: { Kustomization: ['spec.path', 'spec.sourceRef'], GitRepository: ['spec.url', 'spec.ref'] },
  description: "A Flux Kustomization's path stays inside its source, and exists in the repository when its source is this repository's Git source.",
  kinds: ['Kustomization'],
  check(doc, ctx) {
    if (!isFluxKustomization(doc)) return [];
    const spec = specOf(doc);
    if (typeof spec.path !== 'string') return [];
    const resolved = resolveRepositoryPath(spec.path);
    if ('outside' in resolved) {
      return [
        {
          pointer: '/spec/path',
          message: `path '${spec.path}' resolves outside the repository: it ${resolved.outside}`,
          fix: 'write spec.path relative to the repository root, inside it (for example ./gitops/clusters/prod)',
        },
      ];
    }
    // Another source (an OCI artifact, a bucket, another Git repository or branch) holds its own
    // tree, which Phoenix does not see: only its escapes are checked (ADR 0193).
    if (!sourceIsThisRepository(doc, ctx) || ctx.pathExists(resolved.relative)) return [];
    return [
      {
        pointer: '/spec/path',
        message: `path '${spec.path}' does not exist in the repository`,
        fix: 'correct spec.path (relative to the repository root), or generate the folder it names',
      },
    ];
  },
};

/**
 * True when the Kustomization's source holds the checked tree (ADR 0193): the bootstrap source
 * `flux-system/flux-system`; a GitRepository that is not among the checked objects (as Phoenix
 * cannot tell, it reads the path as this repository's; `flux/source-ref-resolves` reports the
 * source); a checked GitRepository whose URL is this repository's (a remote of the repository
 * root, or the bootstrap source's URL) on its default branch — or any checked GitRepository when
 * neither URL is known.
 */
function sourceIsThisRepository(doc: SourceDocument, ctx: RuleContext): boolean {
  const sourceRef = specOf(doc).sourceRef;
  const ref = isRecord(sourceRef) ? sourceRef : {};
  if (ref.kind !== undefined && ref.kind !== 'GitRepository') return false;
  if (typeof ref.name !== 'string') return true;
  const namespace = typeof ref.namespace === 'string' ? ref.namespace : doc.object.namespace;
  if (isBootstrapSource('GitRepository', ref.name, namespace)) return true;
  const source = ctx.find('GitRepository', ref.name, namespace);
  if (source === undefined) return true;
  const home = homeOf(ctx);
  if (home.urls.size === 0) return true;
  const { url, ref: gitRef } = specOf(source);
  if (typeof url !== 'string' || !home.urls.has(normalizeGitUrl(url))) return false;
  const pinned = isRecord(gitRef) ? gitRef : {};
  if (['tag', 'semver', 'commit', 'name'].some((key) => pinned[key] !== undefined)) return false;
  return typeof pinned.branch !== 'string' || home.branches.size === 0 || home.branches.has(pinned.branch);
}

interface Home {
  readonly urls: ReadonlySet<string>;
  readonly branches: ReadonlySet<string>;
}

const homes = new WeakMap<RuleContext, Home>();

/** This repository's URLs and default branches: the repository root's remotes and the checked bootstrap source. */
function homeOf(ctx: RuleContext): Home {
  let home = homes.get(ctx);
  if (home) return home;
  const urls = new Set(ctx.options.homeRepository.urls);
  const branches = new Set(ctx.options.homeRepository.branches);
  const bootstrap = ctx.find('GitRepository', 'flux-system', 'flux-system');
  if (bootstrap) {
    const { url, ref } = specOf(bootstrap);
    if (typeof url === 'string') urls.add(normalizeGitUrl(url));
    if (isRecord(ref) && typeof ref.branch === 'string') branches.add(ref.branch);
  }
  homes.set(ctx, (home = { urls, branches }));
  return home;
}
