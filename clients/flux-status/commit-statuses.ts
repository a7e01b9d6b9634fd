/**
 * Flux status from the commit statuses Flux's notification-controller posts to GitHub (a
 * `github` Provider): no cluster credentials needed. Each status's context is
 * `kustomization/<name>/<provider-uid-prefix>` and its state `success` once the Kustomization
 * applied that commit, `failure` when it could not.
 */

/** A commit status as GitHub's REST API returns it (the fields used here). */
export interface RawCommitStatus {
  readonly context: string;
  readonly state: string;
  readonly created_at: string;
  readonly updated_at?: string;
  readonly description?: string | null;
}

/** One Flux status on one commit. */
export interface FluxCommitStatus {
  readonly kustomization: string;
  /** First segment of the notification Provider's UID; tells clusters apart. */
  readonly providerUid: string;
  readonly state: 'success' | 'failure' | 'error' | 'pending';
  /** ISO-8601 time the status was posted. */
  readonly at: string;
  readonly description: string;
}

const CONTEXT = /^kustomization\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)\/([0-9a-z]+)$/;
const STATES = new Set(['success', 'failure', 'error', 'pending']);

/**
 * Keeps the statuses Flux posted for Kustomizations, newest per context (GitHub lists newest
 * first; later duplicates of a context are older and dropped). Other contexts (CI) are ignored.
 */
export function parseFluxCommitStatuses(statuses: readonly RawCommitStatus[]): FluxCommitStatus[] {
  const newest = new Map<string, FluxCommitStatus>();
  for (const status of statuses) {
    const match = CONTEXT.exec(status.context);
    if (!match || !STATES.has(status.state)) continue;
    const at = status.updated_at ?? status.created_at;
    const parsed: FluxCommitStatus = {
      kustomization: match[1]!,
      providerUid: match[3]!,
      state: status.state as FluxCommitStatus['state'],
      at,
      description: status.description ?? '',
    };
    const existing = newest.get(status.context);
    if (!existing || Date.parse(existing.at) < Date.parse(at)) newest.set(status.context, parsed);
  }
  return [...newest.values()];
}

/** Lists the statuses of one commit, newest first (all pages). */
export type ListCommitStatuses = (sha: string) => Promise<readonly RawCommitStatus[]>;

/** The minimal Octokit surface {@link octokitCommitStatuses} uses. */
export interface OctokitLike {
  paginate(route: string, parameters: Record<string, unknown>): Promise<unknown[]>;
}

/** `ListCommitStatuses` over an Octokit instance (`GET /repos/{owner}/{repo}/commits/{ref}/statuses`). */
export function octokitCommitStatuses(octokit: OctokitLike, owner: string, repo: string): ListCommitStatuses {
  return async (sha) =>
    (await octokit.paginate('GET /repos/{owner}/{repo}/commits/{ref}/statuses', { owner, repo, ref: sha, per_page: 100 })) as RawCommitStatus[];
}

/** The Kustomization status derived from commit statuses (same shape the Kubernetes reader gives). */
export interface CommitStatusSummary {
  readonly found: boolean;
  readonly ready: boolean;
  readonly message?: string;
  readonly readySince?: string;
  /** `sha1:<sha>` of the newest commit Flux reported applied. */
  readonly lastAppliedRevision?: string;
}

/**
 * Reads Flux's commit statuses for one environment, caching each commit's statuses for the life
 * of the reader (one reader per cycle: experiments share the calls).
 */
export class CommitStatusFluxReader {
  private readonly cache = new Map<string, Promise<FluxCommitStatus[]>>();

  /**
   * @param list how to list a commit's statuses
   * @param providerUid first segment of the environment's notification Provider UID; statuses of
   *   other clusters are ignored. @default - any provider (one cluster posts to the repository)
   */
  constructor(
    private readonly list: ListCommitStatuses,
    private readonly providerUid?: string,
  ) {}

  /**
   * The newest commit among `commitsNewestFirst` (HEAD back to the experiment's last change) on
   * which Flux reported the Kustomization: `success` → applied and ready since the status time;
   * `failure`/`error` → not ready; no status on any of them → not found (Flux has not got there yet).
   */
  async statusOf(kustomization: string, commitsNewestFirst: readonly string[]): Promise<CommitStatusSummary> {
    for (const sha of commitsNewestFirst) {
      const statuses = await this.statusesOf(sha);
      const mine = statuses.filter((s) => s.kustomization === kustomization && (this.providerUid === undefined || s.providerUid === this.providerUid));
      const latest = mine.sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
      if (!latest || latest.state === 'pending') continue;
      if (latest.state === 'success')
        return { found: true, ready: true, readySince: latest.at, lastAppliedRevision: `sha1:${sha}`, message: latest.description };
      return {
        found: true,
        ready: false,
        message: `Flux reported ${latest.state} on ${sha.slice(0, 12)}: ${latest.description}`,
        lastAppliedRevision: `sha1:${sha}`,
      };
    }
    return {
      found: false,
      ready: false,
      message: `no Flux status for kustomization/${kustomization} on the ${commitsNewestFirst.length} newest commit(s) since its last change`,
    };
  }

  private statusesOf(sha: string): Promise<FluxCommitStatus[]> {
    let pending = this.cache.get(sha);
    if (!pending) {
      pending = this.list(sha).then(parseFluxCommitStatuses);
      pending.catch(() => this.cache.delete(sha));
      this.cache.set(sha, pending);
    }
    return pending;
  }
}
