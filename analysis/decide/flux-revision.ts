import type { DeploymentInput } from './types';

/** What the watcher read about one Flux Kustomization (from the Kubernetes API or commit statuses). */
export interface KustomizationStatusInput {
  /** `kubernetes` or `commit-status`. */
  readonly source: string;
  /** Whether the Kustomization (or a status for it) was found at all. */
  readonly found: boolean;
  /** The `Ready` condition's status (`True` → true). */
  readonly ready?: boolean;
  /** The `Ready` condition's message, shown when not ready. */
  readonly message?: string;
  /** ISO-8601 time of the `Ready` condition's last transition. */
  readonly readySince?: string;
  /** `status.lastAppliedRevision`, e.g. `main@sha1:0a1b2c…`. */
  readonly lastAppliedRevision?: string;
}

/** A Flux revision split into its parts. */
export interface FluxRevision {
  readonly ref?: string;
  readonly sha: string;
}

/**
 * Parses a Flux source revision: `main@sha1:<sha>` (Flux 2.x), `main/<sha>` (older Flux) or a
 * bare `sha1:<sha>` / `<sha>`. `undefined` when no commit id can be found.
 */
export function parseFluxRevision(revision: string | undefined): FluxRevision | undefined {
  if (!revision) return undefined;
  const modern = /^(?:(.+)@)?sha(?:1|256):([0-9a-f]{7,64})$/.exec(revision);
  if (modern) return { ref: modern[1], sha: modern[2]! };
  const legacy = /^(.+)\/([0-9a-f]{40})$/.exec(revision);
  if (legacy) return { ref: legacy[1], sha: legacy[2]! };
  if (/^[0-9a-f]{40}$/.test(revision)) return { sha: revision };
  return undefined;
}

/**
 * Whether the experiment runs its latest revision in an environment: the Kustomization is Ready
 * and its applied revision descends from (or is) the last commit that touched the experiment.
 * `appliedContainsChange` is the git ancestry answer (`undefined` when the applied commit is
 * unknown to the local clone, e.g. not fetched yet).
 */
export function fluxDeployment(
  status: KustomizationStatusInput,
  lastChangeSha: string | undefined,
  appliedContainsChange: boolean | undefined,
): DeploymentInput {
  const base = { source: status.source, revision: status.lastAppliedRevision, readySince: status.readySince };
  if (!status.found) return { ...base, current: false, reason: status.message ?? 'Flux reports no Kustomization for the experiment here' };
  if (status.ready !== true) return { ...base, current: false, reason: `the Kustomization is not Ready${status.message ? `: ${status.message}` : ''}` };
  const applied = parseFluxRevision(status.lastAppliedRevision);
  if (!applied) return { ...base, current: false, reason: `the applied revision ${JSON.stringify(status.lastAppliedRevision ?? '')} names no commit` };
  if (!lastChangeSha) return { ...base, current: false, reason: 'no commit in the config repo touches the experiment' };
  if (appliedContainsChange === undefined)
    return { ...base, current: false, reason: `the applied commit ${applied.sha.slice(0, 12)} is not in the config repo clone yet` };
  if (!appliedContainsChange) {
    return {
      ...base,
      current: false,
      reason: `Flux applied ${applied.sha.slice(0, 12)}, which predates the experiment's last change ${lastChangeSha.slice(0, 12)}`,
    };
  }
  return { ...base, current: true };
}
